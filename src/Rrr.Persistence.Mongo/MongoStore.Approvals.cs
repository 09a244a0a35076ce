using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Rrr.Core.Features.Approvals;

namespace Rrr.Persistence.Mongo;

/// <summary>
/// Approval requests and their hash-chained log. The request is replaced only at the expected revision
/// (one atomic document update); the log record then takes the next sequence as its <c>_id</c>, so two
/// writers racing for the same link both cannot win: the loser re-reads the last hash and tries again.
/// Nothing here updates or deletes a log document. Without a replica-set transaction a crash between the
/// two writes can leave a request change without its record (the decision then simply has to be repeated).
/// </summary>
public sealed partial class MongoStore : IApprovalStore
{
    internal const string ApprovalRequestsCollection = "approval_requests";
    internal const string ApprovalLogCollection = "approval_log";

    private IMongoCollection<ApprovalRequestDocument> ApprovalRequests => database.GetCollection<ApprovalRequestDocument>(ApprovalRequestsCollection);

    private IMongoCollection<ApprovalLogDocument> ApprovalLog => database.GetCollection<ApprovalLogDocument>(ApprovalLogCollection);

    /// <summary>Indexes of this part; called from <see cref="InitializeAsync"/>.</summary>
    private async Task InitializeApprovalsAsync(CancellationToken cancellationToken)
    {
        var requestIndex = Builders<ApprovalRequestDocument>.IndexKeys;
        await ApprovalRequests.Indexes.CreateManyAsync(
            [
                new CreateIndexModel<ApprovalRequestDocument>(
                    requestIndex.Ascending(d => d.Kind).Descending(d => d.CreatedAt),
                    new CreateIndexOptions { Name = "ix_kind_created_at" }),
                new CreateIndexModel<ApprovalRequestDocument>(
                    requestIndex.Ascending(d => d.Kind).Ascending(d => d.OutcomeExternalId),
                    new CreateIndexOptions { Name = "ix_kind_external_id" }),
                new CreateIndexModel<ApprovalRequestDocument>(
                    requestIndex.Ascending(d => d.Kind).Ascending(d => d.SubjectId).Descending(d => d.CreatedAt),
                    new CreateIndexOptions { Name = "ix_kind_subject_created_at" }),
                new CreateIndexModel<ApprovalRequestDocument>(
                    requestIndex.Ascending(d => d.Status).Ascending(d => d.CreatedAt).Ascending(d => d.Id).Ascending(d => d.ExpiresAt),
                    new CreateIndexOptions { Name = "ix_queue" }),
                new CreateIndexModel<ApprovalRequestDocument>(
                    requestIndex.Ascending(d => d.Status).Ascending(d => d.Kind).Ascending(d => d.CreatedAt).Ascending(d => d.Id).Ascending(d => d.ExpiresAt),
                    new CreateIndexOptions { Name = "ix_queue_kind" }),
            ],
            cancellationToken);
        await ApprovalLog.Indexes.CreateOneAsync(
            new CreateIndexModel<ApprovalLogDocument>(
                Builders<ApprovalLogDocument>.IndexKeys.Ascending(d => d.RequestId).Ascending(d => d.Sequence),
                new CreateIndexOptions { Name = "ix_request_seq" }),
            cancellationToken: cancellationToken);
    }

    async Task IApprovalStore.CreateAsync(ApprovalRequest request, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(chain);
        await ApprovalRequests.InsertOneAsync(ApprovalRequestDocument.From(request), cancellationToken: cancellationToken);
        await AppendApprovalLogAsync(record, chain, cancellationToken);
    }

    async Task<bool> IApprovalStore.UpdateAsync(
        ApprovalRequest updated, long expectedRevision, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(chain);
        var filter = Builders<ApprovalRequestDocument>.Filter;
        var update = Builders<ApprovalRequestDocument>.Update
            .Set(d => d.PayloadJson, updated.PayloadJson)
            .Set(d => d.PayloadVersion, updated.PayloadVersion)
            .Set(d => d.RequiredXcn, updated.Policy.RequiredXcnApprovers)
            .Set(d => d.RequiresRrr, updated.Policy.RequiresRrrAdmin)
            .Set(d => d.Status, ApprovalCodes.StatusText(updated.Status))
            .Set(d => d.ExpiresAt, BsonTime.From(updated.ExpiresAt))
            .Set(d => d.Revision, expectedRevision + 1);
        var result = await ApprovalRequests.UpdateOneAsync(
            filter.Eq(d => d.Id, updated.Id) & filter.Eq(d => d.Revision, expectedRevision), update, cancellationToken: cancellationToken);
        if (result.ModifiedCount != 1)
        {
            return false;
        }

        await AppendApprovalLogAsync(record, chain, cancellationToken);
        return true;
    }

    async Task<ApprovalRequest?> IApprovalStore.GetAsync(string id, CancellationToken cancellationToken) =>
        (await ApprovalRequests.Find(d => d.Id == id).FirstOrDefaultAsync(cancellationToken))?.ToRequest();

    async Task<IReadOnlyList<ApprovalRecord>> IApprovalStore.GetRecordsAsync(string requestId, CancellationToken cancellationToken) =>
        (await ApprovalLog.Find(d => d.RequestId == requestId).SortBy(d => d.Sequence).ToListAsync(cancellationToken)).ConvertAll(d => d.ToRecord());

    async Task<IReadOnlyList<ApprovalRecord>> IApprovalStore.GetRecordsForAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestIds);
        if (requestIds.Count == 0)
        {
            return [];
        }

        var documents = await ApprovalLog.Find(Builders<ApprovalLogDocument>.Filter.In(d => d.RequestId, requestIds))
            .SortBy(d => d.Sequence).ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToRecord());
    }

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListPendingAsync(ApprovalQueueQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var filter = Builders<ApprovalRequestDocument>.Filter;
        var where = filter.Eq(d => d.Status, ApprovalCodes.StatusText(ApprovalStatus.Pending))
            & filter.Gt(d => d.ExpiresAt, BsonTime.From(query.Now));
        if (query.Kind is not null)
        {
            where &= filter.Eq(d => d.Kind, query.Kind);
        }

        if (query.After is { } after)
        {
            // Keyset seek on (created_at, _id), the same order the queue indexes hold.
            var createdAt = BsonTime.From(after.CreatedAt);
            where &= filter.Gt(d => d.CreatedAt, createdAt)
                | (filter.Eq(d => d.CreatedAt, createdAt) & filter.Gt(d => d.Id, after.Id));
        }

        var documents = await ApprovalRequests.Find(where)
            .SortBy(d => d.CreatedAt).ThenBy(d => d.Id)
            .Limit(query.Take)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToRequest());
    }

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListAsync(string kind, int take, CancellationToken cancellationToken) =>
        (await ApprovalRequests.Find(d => d.Kind == kind)
            .SortByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Limit(take)
            .ToListAsync(cancellationToken)).ConvertAll(d => d.ToRequest());

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListForSubjectAsync(string kind, string subjectId, int take, CancellationToken cancellationToken) =>
        (await ApprovalRequests.Find(d => d.Kind == kind && d.SubjectId == subjectId)
            .SortByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Limit(take)
            .ToListAsync(cancellationToken)).ConvertAll(d => d.ToRequest());

    async Task<ApprovalRequest?> IApprovalStore.FindByExternalIdAsync(string kind, string externalId, CancellationToken cancellationToken) =>
        (await ApprovalRequests.Find(d => d.Kind == kind && d.OutcomeExternalId == externalId).FirstOrDefaultAsync(cancellationToken))?.ToRequest();

    async Task<bool> IApprovalStore.SetOutcomeAsync(string requestId, ApprovalOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var filter = Builders<ApprovalRequestDocument>.Filter;
        var update = Builders<ApprovalRequestDocument>.Update
            .Set(d => d.OutcomeStatus, outcome.Status)
            .Set(d => d.OutcomeVersion, outcome.Version)
            .Set(d => d.OutcomeError, outcome.ErrorCode)
            .Set(d => d.OutcomeUpdatedAt, BsonTime.From(outcome.UpdatedAt));
        if (outcome.ExternalId is not null)
        {
            update = update.Set(d => d.OutcomeExternalId, outcome.ExternalId);
        }

        var result = await ApprovalRequests.UpdateOneAsync(
            filter.Eq(d => d.Id, requestId) & (filter.Eq(d => d.OutcomeVersion, null) | filter.Lte(d => d.OutcomeVersion, outcome.Version)),
            update,
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    async Task<IReadOnlyList<ApprovalRecord>> IApprovalStore.ReadLogAsync(long afterSequence, int take, CancellationToken cancellationToken) =>
        (await ApprovalLog.Find(d => d.Sequence > afterSequence).SortBy(d => d.Sequence).Limit(take).ToListAsync(cancellationToken))
            .ConvertAll(d => d.ToRecord());

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListByIdAsync(string? afterId, int take, CancellationToken cancellationToken) =>
        (await ApprovalRequests.Find(Builders<ApprovalRequestDocument>.Filter.Gt(d => d.Id, afterId ?? ""))
            .SortBy(d => d.Id).Limit(take).ToListAsync(cancellationToken))
            .ConvertAll(d => d.ToRequest());

    private async Task AppendApprovalLogAsync(ApprovalRecordDraft draft, ApprovalChainKeys chain, CancellationToken cancellationToken)
    {
        while (true)
        {
            var last = await ApprovalLog.Find(FilterDefinition<ApprovalLogDocument>.Empty)
                .SortByDescending(d => d.Sequence).Limit(1).FirstOrDefaultAsync(cancellationToken);
            var record = chain.Seal(draft, (last?.Sequence ?? 0) + 1, last?.Hash ?? ApprovalChain.Genesis);
            try
            {
                await ApprovalLog.InsertOneAsync(ApprovalLogDocument.From(record), cancellationToken: cancellationToken);
                return;
            }
            catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
            {
                // Another writer took this sequence number first; link to its record instead.
            }
        }
    }
}

internal sealed class ApprovalRequestDocument
{
    [BsonId]
    public string Id { get; set; } = "";

    [BsonElement("kind")]
    public string Kind { get; set; } = "";

    [BsonElement("subject_id")]
    public string SubjectId { get; set; } = "";

    [BsonElement("payload_json")]
    public string PayloadJson { get; set; } = "";

    [BsonElement("payload_version")]
    public long PayloadVersion { get; set; }

    [BsonElement("required_xcn")]
    public int RequiredXcn { get; set; }

    [BsonElement("requires_rrr")]
    public bool RequiresRrr { get; set; }

    [BsonElement("maker_id")]
    public string MakerId { get; set; } = "";

    [BsonElement("status")]
    public string Status { get; set; } = "";

    [BsonElement("created_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime CreatedAt { get; set; }

    [BsonElement("expires_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime ExpiresAt { get; set; }

    [BsonElement("revision")]
    public long Revision { get; set; }

    [BsonElement("outcome_external_id")]
    public string? OutcomeExternalId { get; set; }

    [BsonElement("outcome_status")]
    public string? OutcomeStatus { get; set; }

    [BsonElement("outcome_version")]
    public long? OutcomeVersion { get; set; }

    [BsonElement("outcome_error")]
    public string? OutcomeError { get; set; }

    [BsonElement("outcome_updated_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime? OutcomeUpdatedAt { get; set; }

    public static ApprovalRequestDocument From(ApprovalRequest request) => new()
    {
        Id = request.Id,
        Kind = request.Kind,
        SubjectId = request.SubjectId,
        PayloadJson = request.PayloadJson,
        PayloadVersion = request.PayloadVersion,
        RequiredXcn = request.Policy.RequiredXcnApprovers,
        RequiresRrr = request.Policy.RequiresRrrAdmin,
        MakerId = request.MakerId,
        Status = ApprovalCodes.StatusText(request.Status),
        CreatedAt = BsonTime.From(request.CreatedAt),
        ExpiresAt = BsonTime.From(request.ExpiresAt),
        Revision = request.Revision,
    };

    public ApprovalRequest ToRequest() => new(
        Id, Kind, SubjectId, PayloadJson, PayloadVersion, new ApprovalPolicy(RequiredXcn, RequiresRrr), MakerId,
        ApprovalCodes.ParseStatus(Status), new DateTimeOffset(CreatedAt, TimeSpan.Zero), new DateTimeOffset(ExpiresAt, TimeSpan.Zero), Revision,
        OutcomeStatus is null
            ? null
            : new ApprovalOutcome(OutcomeExternalId, OutcomeStatus, OutcomeVersion ?? 0, OutcomeError,
                new DateTimeOffset(OutcomeUpdatedAt ?? CreatedAt, TimeSpan.Zero)));
}

internal sealed class ApprovalLogDocument
{
    /// <summary>The sequence number is the key, so two writers can never both append as record n.</summary>
    [BsonId]
    public long Sequence { get; set; }

    [BsonElement("request_id")]
    public string RequestId { get; set; } = "";

    [BsonElement("action")]
    public string Action { get; set; } = "";

    [BsonElement("actor_id")]
    public string ActorId { get; set; } = "";

    [BsonElement("actor_role")]
    public string ActorRole { get; set; } = "";

    [BsonElement("payload_version")]
    public long PayloadVersion { get; set; }

    [BsonElement("reason")]
    public string? Reason { get; set; }

    [BsonElement("at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime At { get; set; }

    [BsonElement("detail")]
    public string? Detail { get; set; }

    [BsonElement("previous_hash")]
    public string PreviousHash { get; set; } = "";

    [BsonElement("hash")]
    public string Hash { get; set; } = "";

    /// <summary>Absent on records from before the keyed chain: they read as legacy (plain SHA-256).</summary>
    [BsonElement("key_id")]
    [BsonIgnoreIfNull]
    public string? KeyId { get; set; }

    public static ApprovalLogDocument From(ApprovalRecord record) => new()
    {
        Sequence = record.Sequence,
        RequestId = record.RequestId,
        Action = ApprovalCodes.ActionText(record.Action),
        ActorId = record.ActorId,
        ActorRole = record.ActorRole,
        PayloadVersion = record.PayloadVersion,
        Reason = record.Reason,
        At = BsonTime.From(record.At),
        Detail = record.Detail,
        PreviousHash = record.PreviousHash,
        Hash = record.Hash,
        KeyId = record.KeyId,
    };

    public ApprovalRecord ToRecord() => new(
        Sequence,
        new ApprovalRecordDraft(RequestId, ApprovalCodes.ParseAction(Action), ActorId, ActorRole, PayloadVersion, Reason, new DateTimeOffset(At, TimeSpan.Zero), Detail),
        PreviousHash,
        Hash,
        KeyId);
}
