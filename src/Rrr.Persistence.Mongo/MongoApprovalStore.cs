namespace Rrr.Persistence.Mongo;

/// <summary>
/// Approval requests and their hash-chained log. A decision (the request inserted, or replaced at the
/// expected revision, plus its log record) is one multi-document transaction, as in SQLite: a crash between
/// the two writes cannot keep one without the other, and of two approvals at the same revision exactly one
/// commits (the other meets a write conflict, runs again, and finds the revision moved on).
/// Nothing here updates or deletes a log document.
/// </summary>
public sealed class MongoApprovalStore : IApprovalStore
{
    internal const string RequestsCollection = "approval_requests";
    internal const string LogCollection = "approval_log";

    private readonly MongoDatabaseContext context;
    private readonly IMongoTransactions transactions;
    private readonly IApprovalWrites writes;

    public MongoApprovalStore(MongoDatabaseContext context)
        : this(context, context, new MongoApprovalWrites(context))
    {
    }

    internal MongoApprovalStore(MongoDatabaseContext context, IMongoTransactions transactions, IApprovalWrites writes)
    {
        ArgumentNullException.ThrowIfNull(context);
        this.context = context;
        this.transactions = transactions;
        this.writes = writes;
    }

    private static FilterDefinitionBuilder<ApprovalRequestDocument> Filter => Builders<ApprovalRequestDocument>.Filter;

    private IMongoCollection<ApprovalRequestDocument> Requests => context.Collection<ApprovalRequestDocument>(RequestsCollection);

    private IMongoCollection<ApprovalLogDocument> Log => context.Collection<ApprovalLogDocument>(LogCollection);

    internal static async Task CreateIndexesAsync(MongoDatabaseContext context, CancellationToken cancellationToken)
    {
        // Each list's index ends in its whole sort, _id included; the queue's in the keyset it seeks on.
        var index = Builders<ApprovalRequestDocument>.IndexKeys;
        await context.CreateIndexesAsync<ApprovalRequestDocument>(
            RequestsCollection,
            [
                index.Ascending(d => d.Kind).Descending(d => d.CreatedAt).Descending(d => d.Id).Named("ix_kind_created_at_id"),
                index.Ascending(d => d.Kind).Ascending(d => d.OutcomeExternalId).Named("ix_kind_external_id"),
                index.Ascending(d => d.Kind).Ascending(d => d.SubjectId).Descending(d => d.CreatedAt).Descending(d => d.Id)
                    .Named("ix_kind_subject_created_at_id"),
                index.Ascending(d => d.Status).Ascending(d => d.CreatedAt).Ascending(d => d.Id).Ascending(d => d.ExpiresAt).Named("ix_queue"),
                index.Ascending(d => d.Status).Ascending(d => d.Kind).Ascending(d => d.CreatedAt).Ascending(d => d.Id).Ascending(d => d.ExpiresAt)
                    .Named("ix_queue_kind"),
            ],
            ["ix_kind_created_at", "ix_kind_subject_created_at"],
            cancellationToken);
        await context.CreateIndexesAsync<ApprovalLogDocument>(
            LogCollection,
            [Builders<ApprovalLogDocument>.IndexKeys.Ascending(d => d.RequestId).Ascending(d => d.Sequence).Named("ix_request_seq")],
            [],
            cancellationToken);
    }

    async Task IApprovalStore.CreateAsync(ApprovalRequest request, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(chain);
        await DecideAsync(
            async (session, ct) =>
            {
                await writes.InsertRequestAsync(session, request, ct);
                return true;
            },
            record,
            chain,
            cancellationToken);
    }

    async Task<bool> IApprovalStore.UpdateAsync(
        ApprovalRequest updated, long expectedRevision, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(chain);
        return await DecideAsync((session, ct) => writes.UpdateRequestAsync(session, updated, expectedRevision, ct), record, chain, cancellationToken);
    }

    async Task<ApprovalRequest?> IApprovalStore.GetAsync(string id, CancellationToken cancellationToken) =>
        (await Requests.Find(d => d.Id == id).FirstOrDefaultAsync(cancellationToken))?.ToRequest();

    async Task<IReadOnlyList<ApprovalRecord>> IApprovalStore.GetRecordsAsync(string requestId, CancellationToken cancellationToken) =>
        (await Log.Find(d => d.RequestId == requestId).SortBy(d => d.Sequence).ToListAsync(cancellationToken)).ConvertAll(d => d.ToRecord());

    async Task<IReadOnlyList<ApprovalRecord>> IApprovalStore.GetRecordsForAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestIds);
        if (requestIds.Count == 0)
        {
            return [];
        }

        var documents = await Log.Find(Builders<ApprovalLogDocument>.Filter.In(d => d.RequestId, requestIds)).SortBy(d => d.Sequence).ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToRecord());
    }

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListPendingAsync(ApprovalQueueQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var where = Filter.Eq(d => d.Status, ApprovalCodes.StatusText(ApprovalStatus.Pending)) & Filter.Gt(d => d.ExpiresAt, BsonTime.From(query.Now));
        if (query.Kind is not null)
        {
            where &= Filter.Eq(d => d.Kind, query.Kind);
        }

        if (query.After is { } after)
        {
            // Keyset seek on (created_at, _id), the same order the queue indexes hold.
            var createdAt = BsonTime.From(after.CreatedAt);
            where &= Filter.Gt(d => d.CreatedAt, createdAt) | (Filter.Eq(d => d.CreatedAt, createdAt) & Filter.Gt(d => d.Id, after.Id));
        }

        var documents = await Requests.Find(where).SortBy(d => d.CreatedAt).ThenBy(d => d.Id).Limit(query.Take).ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToRequest());
    }

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListAsync(string kind, int take, CancellationToken cancellationToken) =>
        (await Requests.Find(d => d.Kind == kind).SortByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Limit(take).ToListAsync(cancellationToken))
            .ConvertAll(d => d.ToRequest());

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListForSubjectAsync(string kind, string subjectId, int take, CancellationToken cancellationToken) =>
        (await Requests.Find(d => d.Kind == kind && d.SubjectId == subjectId)
            .SortByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Limit(take).ToListAsync(cancellationToken))
            .ConvertAll(d => d.ToRequest());

    async Task<ApprovalRequest?> IApprovalStore.FindByExternalIdAsync(string kind, string externalId, CancellationToken cancellationToken) =>
        (await Requests.Find(d => d.Kind == kind && d.OutcomeExternalId == externalId).FirstOrDefaultAsync(cancellationToken))?.ToRequest();

    async Task<bool> IApprovalStore.SetOutcomeAsync(string requestId, ApprovalOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var update = Builders<ApprovalRequestDocument>.Update
            .Set(d => d.OutcomeStatus, outcome.Status)
            .Set(d => d.OutcomeVersion, outcome.Version)
            .Set(d => d.OutcomeError, outcome.ErrorCode)
            .Set(d => d.OutcomeUpdatedAt, BsonTime.From(outcome.UpdatedAt));
        if (outcome.ExternalId is not null)
        {
            update = update.Set(d => d.OutcomeExternalId, outcome.ExternalId);
        }

        // One document, so atomic alone: only a newer (or first) outcome is written.
        var result = await Requests.UpdateOneAsync(
            Filter.Eq(d => d.Id, requestId) & (Filter.Eq(d => d.OutcomeVersion, null) | Filter.Lte(d => d.OutcomeVersion, outcome.Version)),
            update,
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    async Task<IReadOnlyList<ApprovalRecord>> IApprovalStore.ReadLogAsync(long afterSequence, int take, CancellationToken cancellationToken) =>
        (await Log.Find(d => d.Sequence > afterSequence).SortBy(d => d.Sequence).Limit(take).ToListAsync(cancellationToken)).ConvertAll(d => d.ToRecord());

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListByIdAsync(string? afterId, int take, CancellationToken cancellationToken) =>
        (await Requests.Find(Filter.Gt(d => d.Id, afterId ?? "")).SortBy(d => d.Id).Limit(take).ToListAsync(cancellationToken)).ConvertAll(d => d.ToRequest());

    /// <summary>
    /// Runs <paramref name="changeRequest"/> and, when it took effect, appends the sealed record, in one
    /// transaction. The record's sequence is its <c>_id</c>: when another decision committed that sequence
    /// first, the insert fails, the transaction is aborted, and the whole decision runs again on the new chain end.
    /// </summary>
    private async Task<bool> DecideAsync(
        Func<IClientSessionHandle, CancellationToken, Task<bool>> changeRequest, ApprovalRecordDraft draft, ApprovalChainKeys chain, CancellationToken cancellationToken)
    {
        while (true)
        {
            var appending = false;
            try
            {
                return await transactions.InTransactionAsync(
                    async (session, ct) =>
                    {
                        appending = false;
                        if (!await changeRequest(session, ct))
                        {
                            return false;
                        }

                        appending = true;
                        var last = await writes.LastRecordAsync(session, ct);
                        await writes.AppendRecordAsync(session, chain.Seal(draft, (last?.Sequence ?? 0) + 1, last?.Hash ?? ApprovalChain.Genesis), ct);
                        return true;
                    },
                    cancellationToken);
            }
            catch (MongoWriteException ex) when (appending && ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
            {
                // Another decision took this sequence number first; this one links to its record instead.
            }
        }
    }
}
