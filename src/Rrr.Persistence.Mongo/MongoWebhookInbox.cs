namespace Rrr.Persistence.Mongo;

/// <summary>
/// The webhook inbox. Uniqueness rides on <c>_id</c> (the event id), retention on a TTL index over
/// <c>received_at</c> (the processor's Retention). A claim and a batch of completions are each one
/// transaction, so two instances never lease the same event, and a batch costs a few calls, not one per event.
/// </summary>
public sealed class MongoWebhookInbox(MongoDatabaseContext context) : IWebhookInbox
{
    internal const string InboxCollection = "webhook_inbox";

    private static readonly string PendingText = InboxCodes.StatusText(InboxStatus.Pending);

    private static FilterDefinitionBuilder<InboxDocument> Filter => Builders<InboxDocument>.Filter;

    private static SortDefinition<InboxDocument> Oldest => Builders<InboxDocument>.Sort.Ascending(d => d.ReceivedAt).Ascending(d => d.Id);

    private IMongoCollection<InboxDocument> Inbox => context.Collection<InboxDocument>(InboxCollection);

    internal static Task CreateIndexesAsync(MongoDatabaseContext context, CancellationToken cancellationToken)
    {
        var index = Builders<InboxDocument>.IndexKeys;
        return context.CreateIndexesAsync<InboxDocument>(
            InboxCollection,
            [
                // Equality, sort, range: status, then the claim's order, then next_attempt_at checked in the index.
                index.Ascending(d => d.Status).Ascending(d => d.ReceivedAt).Ascending(d => d.Id).Ascending(d => d.NextAttemptAt)
                    .Named("ix_status_received_at"),
                index.Ascending(d => d.ReceivedAt).Named("ttl_received_at", expireAfter: context.InboxRetention),
            ],
            ["ix_status_next_attempt_at"],
            cancellationToken);
    }

    public async Task<InboxAddResult> TryAddAsync(InboxEvent inboxEvent, CancellationToken cancellationToken) =>
        (await TryAddManyAsync([inboxEvent], cancellationToken))[0];

    public async Task<IReadOnlyList<InboxAddResult>> TryAddManyAsync(IReadOnlyList<InboxEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var results = new InboxAddResult[events.Count];
        if (events.Count == 0)
        {
            return results;
        }

        // One unordered insert, outside a transaction on purpose: a duplicate (a redelivery) would abort a
        // transaction, while here it fails alone and the rest of the batch is stored.
        try
        {
            await Inbox.InsertManyAsync(events.Select(InboxDocument.From), new InsertManyOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoBulkWriteException<InboxDocument> ex)
            when (ex.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey) && ex.WriteConcernError is null)
        {
            foreach (var error in ex.WriteErrors)
            {
                results[error.Index] = InboxAddResult.Duplicate;
            }
        }

        return results;
    }

    public async Task<IReadOnlyList<ClaimedInboxEvent>> ClaimAsync(
        string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var at = BsonTime.From(now);
        var due = Filter.Eq(d => d.Status, PendingText)
            & Filter.Lte(d => d.NextAttemptAt, at)
            & (Filter.Eq(d => d.LeaseUntil, null) | Filter.Lte(d => d.LeaseUntil, at));
        var lease = Builders<InboxDocument>.Update
            .Set(d => d.ClaimedBy, owner)
            .Set(d => d.LeaseUntil, BsonTime.From(leaseUntil))
            .Inc(d => d.Attempts, 1);

        var claimed = await context.ClaimAsync(Inbox, d => d.Id, id => id, due, Oldest, max, lease, cancellationToken);
        return claimed.ConvertAll(d => new ClaimedInboxEvent(d.ToInboxEvent(), d.Attempts));
    }

    public async Task<bool> MarkProcessedAsync(
        string eventId, string owner, InboxOutcome outcome, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        var result = await Inbox.UpdateOneAsync(Owned(eventId, owner), Processed(outcome, processedAt), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<IReadOnlyList<bool>> MarkProcessedManyAsync(
        string owner, IReadOnlyList<InboxCompletion> completions, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        if (completions.Count == 0)
        {
            return [];
        }

        // One transaction, as in SQLite: read which events this owner still holds, then one bulk write.
        return await context.InTransactionAsync<IReadOnlyList<bool>>(
            async (session, ct) =>
            {
                var ids = completions.Select(c => c.EventId).Distinct(StringComparer.Ordinal).ToList();
                var held = (await Inbox.Find(session, Filter.In(d => d.Id, ids) & HeldBy(owner)).Project(d => d.Id).ToListAsync(ct))
                    .ToHashSet(StringComparer.Ordinal);
                var results = new bool[completions.Count];
                var writes = new List<WriteModel<InboxDocument>>();
                for (var i = 0; i < completions.Count; i++)
                {
                    // Remove: a second completion of the same event finds it processed already, as SQLite's second UPDATE does.
                    results[i] = held.Remove(completions[i].EventId);
                    if (results[i])
                    {
                        writes.Add(new UpdateOneModel<InboxDocument>(Owned(completions[i].EventId, owner), Processed(completions[i].Outcome, processedAt)));
                    }
                }

                if (writes.Count > 0)
                {
                    await Inbox.BulkWriteAsync(session, writes, new BulkWriteOptions { IsOrdered = false }, ct);
                }

                return results;
            },
            cancellationToken);
    }

    public async Task<bool> MarkFailedAsync(
        string eventId, string owner, string errorClass, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        var update = Builders<InboxDocument>.Update
            .Set(d => d.LastError, errorClass)
            .Unset(d => d.ClaimedBy)
            .Unset(d => d.LeaseUntil);
        update = retryAt is { } at
            ? update.Set(d => d.NextAttemptAt, BsonTime.From(at))
            : update.Set(d => d.Status, InboxCodes.StatusText(InboxStatus.Failed));
        var result = await Inbox.UpdateOneAsync(Owned(eventId, owner), update, cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<InboxRecord?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        var document = await Inbox.Find(Filter.Eq(d => d.Id, eventId)).FirstOrDefaultAsync(cancellationToken);
        return document?.ToRecord();
    }

    public Task<long> CountAsync(InboxStatus? status, CancellationToken cancellationToken) =>
        Inbox.CountDocumentsAsync(
            status is { } value ? Filter.Eq(d => d.Status, InboxCodes.StatusText(value)) : Filter.Empty,
            cancellationToken: cancellationToken);

    public async Task<DateTimeOffset?> OldestPendingReceivedAtAsync(CancellationToken cancellationToken)
    {
        var oldest = await Inbox.Find(Filter.Eq(d => d.Status, PendingText))
            .Sort(Builders<InboxDocument>.Sort.Ascending(d => d.ReceivedAt)).Limit(1)
            .Project(d => d.ReceivedAt).ToListAsync(cancellationToken);
        return oldest.Count == 0 ? null : BsonTime.Utc(oldest[0]);
    }

    public async Task<long> PurgeAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken)
    {
        var result = await Inbox.DeleteManyAsync(Filter.Lt(d => d.ReceivedAt, BsonTime.From(receivedBefore)), cancellationToken);
        return result.DeletedCount;
    }

    private static FilterDefinition<InboxDocument> HeldBy(string owner) =>
        Filter.Eq(d => d.ClaimedBy, owner) & Filter.Eq(d => d.Status, PendingText);

    private static FilterDefinition<InboxDocument> Owned(string eventId, string owner) => Filter.Eq(d => d.Id, eventId) & HeldBy(owner);

    private static UpdateDefinition<InboxDocument> Processed(InboxOutcome outcome, DateTimeOffset processedAt) =>
        Builders<InboxDocument>.Update
            .Set(d => d.Status, InboxCodes.StatusText(InboxStatus.Processed))
            .Set(d => d.Outcome, InboxCodes.OutcomeText(outcome))
            .Set(d => d.ProcessedAt, BsonTime.From(processedAt))
            .Unset(d => d.ClaimedBy)
            .Unset(d => d.LeaseUntil);
}
