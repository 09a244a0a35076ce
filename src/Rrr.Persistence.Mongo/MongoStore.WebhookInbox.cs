using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Persistence.Mongo;

/// <summary>
/// The webhook inbox and resource versions. Uniqueness rides on <c>_id</c> (event id; resource type + id),
/// retention on a TTL index over <c>received_at</c>, and a claim is one findOneAndUpdate per event,
/// atomic per document, so two instances never lease the same event.
/// </summary>
public sealed partial class MongoStore : IWebhookInbox, IResourceVersions
{
    internal const string InboxCollection = "webhook_inbox";
    internal const string ResourceVersionsCollection = "resource_versions";

    // The contract's 30-day retention; the SQLite side purges with the same horizon from the processor.
    internal static readonly TimeSpan InboxRetention = TimeSpan.FromDays(30);

    private IMongoCollection<InboxDocument> Inbox => database.GetCollection<InboxDocument>(InboxCollection);

    private IMongoCollection<ResourceVersionDocument> Resources =>
        database.GetCollection<ResourceVersionDocument>(ResourceVersionsCollection);

    /// <summary>Indexes of this part; called from <see cref="InitializeAsync"/>.</summary>
    private async Task InitializeWebhookInboxAsync(CancellationToken cancellationToken)
    {
        var index = Builders<InboxDocument>.IndexKeys;
        await Inbox.Indexes.CreateManyAsync(
            [
                new CreateIndexModel<InboxDocument>(
                    index.Ascending(d => d.Status).Ascending(d => d.NextAttemptAt).Ascending(d => d.ReceivedAt),
                    new CreateIndexOptions { Name = "ix_status_next_attempt_at" }),
                new CreateIndexModel<InboxDocument>(
                    index.Ascending(d => d.ReceivedAt),
                    new CreateIndexOptions { Name = "ttl_received_at", ExpireAfter = InboxRetention }),
            ],
            cancellationToken);

        // Creates the collection up front (and with it the unique _id index), so the first upsert races nothing.
        await Resources.Indexes.CreateOneAsync(
            new CreateIndexModel<ResourceVersionDocument>(
                Builders<ResourceVersionDocument>.IndexKeys.Ascending(d => d.AppliedAt),
                new CreateIndexOptions { Name = "ix_applied_at" }),
            cancellationToken: cancellationToken);
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

        try
        {
            // Unordered: one duplicate does not stop the rest of the batch.
            await Inbox.InsertManyAsync(
                events.Select(InboxDocument.From),
                new InsertManyOptions { IsOrdered = false },
                cancellationToken);
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
        var filter = Builders<InboxDocument>.Filter;
        var due = filter.Eq(d => d.Status, InboxCodes.StatusText(InboxStatus.Pending))
            & filter.Lte(d => d.NextAttemptAt, at)
            & (filter.Eq(d => d.LeaseUntil, null) | filter.Lte(d => d.LeaseUntil, at));
        var update = Builders<InboxDocument>.Update
            .Set(d => d.ClaimedBy, owner)
            .Set(d => d.LeaseUntil, BsonTime.From(leaseUntil))
            .Inc(d => d.Attempts, 1);
        var options = new FindOneAndUpdateOptions<InboxDocument>
        {
            Sort = Builders<InboxDocument>.Sort.Ascending(d => d.ReceivedAt).Ascending(d => d.Id),
            ReturnDocument = ReturnDocument.After,
        };

        var claimed = new List<ClaimedInboxEvent>();
        while (claimed.Count < max)
        {
            var document = await Inbox.FindOneAndUpdateAsync(due, update, options, cancellationToken);
            if (document is null)
            {
                break;
            }

            claimed.Add(new ClaimedInboxEvent(document.ToInboxEvent(), document.Attempts));
        }

        return claimed;
    }

    public async Task<bool> MarkProcessedAsync(
        string eventId, string owner, InboxOutcome outcome, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        var update = Builders<InboxDocument>.Update
            .Set(d => d.Status, InboxCodes.StatusText(InboxStatus.Processed))
            .Set(d => d.Outcome, InboxCodes.OutcomeText(outcome))
            .Set(d => d.ProcessedAt, BsonTime.From(processedAt))
            .Unset(d => d.ClaimedBy)
            .Unset(d => d.LeaseUntil);
        var result = await Inbox.UpdateOneAsync(Owned(eventId, owner), update, cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<IReadOnlyList<bool>> MarkProcessedManyAsync(
        string owner, IReadOnlyList<InboxCompletion> completions, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);

        // One update per event: each is atomic on its document, which is all the lease check needs.
        var results = new bool[completions.Count];
        for (var i = 0; i < completions.Count; i++)
        {
            results[i] = await MarkProcessedAsync(completions[i].EventId, owner, completions[i].Outcome, processedAt, cancellationToken);
        }

        return results;
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
        var document = await Inbox.Find(Builders<InboxDocument>.Filter.Eq(d => d.Id, eventId)).FirstOrDefaultAsync(cancellationToken);
        return document?.ToRecord();
    }

    public Task<long> CountAsync(InboxStatus? status, CancellationToken cancellationToken) =>
        Inbox.CountDocumentsAsync(
            status is { } value
                ? Builders<InboxDocument>.Filter.Eq(d => d.Status, InboxCodes.StatusText(value))
                : Builders<InboxDocument>.Filter.Empty,
            cancellationToken: cancellationToken);

    public async Task<DateTimeOffset?> OldestPendingReceivedAtAsync(CancellationToken cancellationToken)
    {
        var oldest = await Inbox.Find(Builders<InboxDocument>.Filter.Eq(d => d.Status, InboxCodes.StatusText(InboxStatus.Pending)))
            .Sort(Builders<InboxDocument>.Sort.Ascending(d => d.ReceivedAt)).Limit(1)
            .Project(d => d.ReceivedAt).ToListAsync(cancellationToken);
        return oldest.Count == 0 ? null : new DateTimeOffset(DateTime.SpecifyKind(oldest[0], DateTimeKind.Utc));
    }

    public async Task<long> PurgeAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken)
    {
        var result = await Inbox.DeleteManyAsync(
            Builders<InboxDocument>.Filter.Lt(d => d.ReceivedAt, BsonTime.From(receivedBefore)), cancellationToken);
        return result.DeletedCount;
    }

    public async Task<ResourceApplyResult> TryApplyAsync(ResourceState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var key = new ResourceKey { ResourceType = state.ResourceType, ResourceId = state.ResourceId };
        var filter = Builders<ResourceVersionDocument>.Filter;
        var update = Builders<ResourceVersionDocument>.Update
            .Set(d => d.Version, state.Version)
            .Set(d => d.EventId, state.EventId)
            .Set(d => d.EventType, state.EventType)
            .Set(d => d.Data, state.Data)
            .Set(d => d.AppliedAt, BsonTime.From(state.AppliedAt));
        try
        {
            // Matches only an older row; when the row is equal or newer the upsert's insert hits the
            // _id and fails as a duplicate, which is exactly "stale".
            await Resources.UpdateOneAsync(
                filter.Eq(d => d.Id, key) & filter.Lt(d => d.Version, state.Version),
                update,
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
            return ResourceApplyResult.Applied;
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return ResourceApplyResult.Stale;
        }
    }

    public async Task<IReadOnlyList<ResourceApplyResult>> TryApplyManyAsync(IReadOnlyList<ResourceState> states, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(states);

        // In order, one at a time, so a later state of the same resource meets the earlier one.
        var results = new ResourceApplyResult[states.Count];
        for (var i = 0; i < states.Count; i++)
        {
            results[i] = await TryApplyAsync(states[i], cancellationToken);
        }

        return results;
    }

    async Task<ResourceState?> IResourceVersions.GetAsync(string resourceType, string resourceId, CancellationToken cancellationToken)
    {
        var key = new ResourceKey { ResourceType = resourceType, ResourceId = resourceId };
        var document = await Resources.Find(Builders<ResourceVersionDocument>.Filter.Eq(d => d.Id, key))
            .FirstOrDefaultAsync(cancellationToken);
        return document is null
            ? null
            : new ResourceState(resourceType, resourceId, document.Version, document.EventId, document.EventType,
                document.Data, new DateTimeOffset(document.AppliedAt, TimeSpan.Zero));
    }

    private static FilterDefinition<InboxDocument> Owned(string eventId, string owner)
    {
        var filter = Builders<InboxDocument>.Filter;
        return filter.Eq(d => d.Id, eventId)
            & filter.Eq(d => d.ClaimedBy, owner)
            & filter.Eq(d => d.Status, InboxCodes.StatusText(InboxStatus.Pending));
    }
}

internal sealed class InboxDocument
{
    [BsonId]
    public string Id { get; set; } = "";

    [BsonElement("type")]
    public string Type { get; set; } = "";

    [BsonElement("received_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime ReceivedAt { get; set; }

    [BsonElement("payload")]
    public string Payload { get; set; } = "";

    [BsonElement("status")]
    public string Status { get; set; } = "";

    [BsonElement("attempts")]
    public int Attempts { get; set; }

    [BsonElement("next_attempt_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime NextAttemptAt { get; set; }

    [BsonElement("claimed_by")]
    [BsonIgnoreIfNull]
    public string? ClaimedBy { get; set; }

    [BsonElement("lease_until")]
    [BsonIgnoreIfNull]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime? LeaseUntil { get; set; }

    [BsonElement("outcome")]
    [BsonIgnoreIfNull]
    public string? Outcome { get; set; }

    [BsonElement("last_error")]
    [BsonIgnoreIfNull]
    public string? LastError { get; set; }

    [BsonElement("processed_at")]
    [BsonIgnoreIfNull]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime? ProcessedAt { get; set; }

    public static InboxDocument From(InboxEvent inboxEvent) => new()
    {
        Id = inboxEvent.EventId,
        Type = inboxEvent.Type,
        ReceivedAt = BsonTime.From(inboxEvent.ReceivedAt),
        Payload = inboxEvent.Payload,
        Status = InboxCodes.StatusText(InboxStatus.Pending),
        NextAttemptAt = BsonTime.From(inboxEvent.ReceivedAt),
    };

    public InboxEvent ToInboxEvent() => new(Id, Type, Utc(ReceivedAt), Payload);

    public InboxRecord ToRecord() => new(
        ToInboxEvent(),
        InboxCodes.ParseStatus(Status),
        Attempts,
        Outcome is null ? null : InboxCodes.ParseOutcome(Outcome),
        LastError,
        ProcessedAt is { } processed ? Utc(processed) : null,
        ClaimedBy,
        LeaseUntil is { } lease ? Utc(lease) : null);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);
}

internal sealed class ResourceKey
{
    [BsonElement("resource_type")]
    public string ResourceType { get; set; } = "";

    [BsonElement("resource_id")]
    public string ResourceId { get; set; } = "";
}

internal sealed class ResourceVersionDocument
{
    [BsonId]
    public ResourceKey Id { get; set; } = new();

    [BsonElement("version")]
    public long Version { get; set; }

    [BsonElement("event_id")]
    public string EventId { get; set; } = "";

    [BsonElement("event_type")]
    public string EventType { get; set; } = "";

    [BsonElement("data")]
    public string Data { get; set; } = "";

    [BsonElement("applied_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime AppliedAt { get; set; }
}
