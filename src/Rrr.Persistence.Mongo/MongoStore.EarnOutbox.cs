using System.Globalization;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Rrr.Core.Features.Earn;
using Rrr.Core.Rrr;

namespace Rrr.Persistence.Mongo;

/// <summary>
/// The earn outbox. Uniqueness rides on <c>_id</c> (order number + kind); a claim is one findOneAndUpdate
/// per row, atomic per document, so two instances never lease the same row. While a row is CLAIMED its
/// next_attempt_at is the lease end, so one index serves fresh rows and rows of a crashed instance.
/// </summary>
public sealed partial class MongoStore : IEarnOutbox
{
    internal const string EarnOutboxCollection = "earn_outbox";

    private static readonly string[] DueStatuses = [OutboxCodes.StatusText(OutboxStatus.Pending), OutboxCodes.StatusText(OutboxStatus.Claimed)];

    private IMongoCollection<OutboxDocument> Outbox => database.GetCollection<OutboxDocument>(EarnOutboxCollection);

    /// <summary>Indexes of this part; called from <see cref="InitializeAsync"/>.</summary>
    private async Task InitializeEarnOutboxAsync(CancellationToken cancellationToken)
    {
        var index = Builders<OutboxDocument>.IndexKeys;
        await Outbox.Indexes.CreateManyAsync(
            [
                new CreateIndexModel<OutboxDocument>(
                    index.Ascending(d => d.Status).Ascending(d => d.NextAttemptAt).Ascending(d => d.AcceptedAt),
                    new CreateIndexOptions { Name = "ix_status_next_attempt_at" }),
                new CreateIndexModel<OutboxDocument>(
                    index.Ascending(d => d.Status).Descending(d => d.UpdatedAt),
                    new CreateIndexOptions { Name = "ix_status_updated_at" }),
            ],
            cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxAddOutcome>> TryAddManyAsync(IReadOnlyList<EarnOrder> orders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        var added = new bool[orders.Count];
        if (orders.Count == 0)
        {
            return [];
        }

        // A repeated key within the batch: only its first occurrence is inserted.
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var toInsert = new List<(int Index, OutboxDocument Document)>();
        for (var i = 0; i < orders.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(orders[i]);
            var document = OutboxDocument.From(orders[i]);
            if (firstIndex.TryAdd(document.Id.Text, i))
            {
                toInsert.Add((i, document));
                added[i] = true;
            }
        }

        try
        {
            // Unordered: one duplicate does not stop the rest of the batch.
            await Outbox.InsertManyAsync(toInsert.Select(t => t.Document), new InsertManyOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoBulkWriteException<OutboxDocument> ex)
            when (ex.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey) && ex.WriteConcernError is null)
        {
            foreach (var error in ex.WriteErrors)
            {
                added[toInsert[error.Index].Index] = false;
            }
        }

        var ids = toInsert.Select(t => t.Document.Id).ToList();
        var stored = (await Outbox.Find(Builders<OutboxDocument>.Filter.In(d => d.Id, ids)).ToListAsync(cancellationToken))
            .ToDictionary(d => d.Id.Text, StringComparer.Ordinal);
        var results = new OutboxAddOutcome[orders.Count];
        for (var i = 0; i < orders.Count; i++)
        {
            var key = OutboxKeyDocument.From(orders[i].Key).Text;
            results[i] = new OutboxAddOutcome(added[i], stored[key].ToRow());
        }

        return results;
    }

    public async Task<IReadOnlyList<OutboxRow>> ClaimBatchAsync(
        string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var filter = Builders<OutboxDocument>.Filter;
        var due = filter.In(d => d.Status, DueStatuses) & filter.Lte(d => d.NextAttemptAt, BsonTime.From(now));
        var update = Builders<OutboxDocument>.Update
            .Set(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Claimed))
            .Set(d => d.LeaseOwner, owner)
            .Set(d => d.LeaseUntil, BsonTime.From(leaseUntil))
            .Set(d => d.NextAttemptAt, BsonTime.From(leaseUntil))
            .Set(d => d.UpdatedAt, BsonTime.From(now));
        var options = new FindOneAndUpdateOptions<OutboxDocument>
        {
            Sort = Builders<OutboxDocument>.Sort.Ascending(d => d.NextAttemptAt).Ascending(d => d.AcceptedAt),
            ReturnDocument = ReturnDocument.After,
        };

        var claimed = new List<OutboxRow>();
        while (claimed.Count < max)
        {
            var document = await Outbox.FindOneAndUpdateAsync(due, update, options, cancellationToken);
            if (document is null)
            {
                break;
            }

            claimed.Add(document.ToRow());
        }

        return claimed;
    }

    public async Task<IReadOnlyList<bool>> CompleteManyAsync(
        string owner, IReadOnlyList<OutboxCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        var filter = Builders<OutboxDocument>.Filter;
        var results = new bool[completions.Count];
        var reopen = new List<OutboxKeyDocument>();
        for (var i = 0; i < completions.Count; i++)
        {
            var completion = completions[i];
            ArgumentNullException.ThrowIfNull(completion);
            var update = Builders<OutboxDocument>.Update
                .Set(d => d.Status, OutboxCodes.StatusText(OutboxCodes.StatusAfter(completion.Kind)))
                .Set(d => d.UpdatedAt, BsonTime.From(now))
                .Unset(d => d.LeaseOwner)
                .Unset(d => d.LeaseUntil);
            if (completion.Kind == CompletionKind.Posted)
            {
                update = update
                    .Set(d => d.EarnEventId, completion.Result?.EarnEventId)
                    .Set(d => d.Points, completion.Result?.Points)
                    .Set(d => d.ResultStatus, completion.Result?.Status)
                    .Unset(d => d.LastError);
            }
            else
            {
                update = update.Set(d => d.LastError, completion.ErrorCode).Inc(d => d.Attempts, completion.CountsAsAttempt ? 1 : 0);
                if (completion.Kind == CompletionKind.Retry && completion.RetryAt is { } at)
                {
                    update = update.Set(d => d.NextAttemptAt, BsonTime.From(at));
                }
            }

            // Atomic per document, which is all the lease check needs.
            var owned = filter.Eq(d => d.Id, OutboxKeyDocument.From(completion.Key))
                & filter.Eq(d => d.LeaseOwner, owner)
                & filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Claimed));
            results[i] = (await Outbox.UpdateOneAsync(owned, update, cancellationToken: cancellationToken)).ModifiedCount == 1;
            if (results[i] && completion.ReopensRefund)
            {
                reopen.Add(OutboxKeyDocument.From(completion.Key with { Kind = OrderEventKind.Refunded }));
            }
        }

        if (reopen.Count > 0)
        {
            // One write for the batch's refunds that waited in vain; conditional on the stored state, like SQLite's.
            await Outbox.UpdateManyAsync(filter.In(d => d.Id, reopen) & Retryable, ReopenRefundUpdate(now), cancellationToken: cancellationToken);
        }

        return results;
    }

    async Task<OutboxRow?> IEarnOutbox.GetAsync(OutboxKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var document = await Outbox.Find(Builders<OutboxDocument>.Filter.Eq(d => d.Id, OutboxKeyDocument.From(key)))
            .FirstOrDefaultAsync(cancellationToken);
        return document?.ToRow();
    }

    public async Task<IReadOnlyDictionary<OutboxStatus, long>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<OutboxStatus, long>();
        foreach (var status in Enum.GetValues<OutboxStatus>())
        {
            counts[status] = await Outbox.CountDocumentsAsync(
                Builders<OutboxDocument>.Filter.Eq(d => d.Status, OutboxCodes.StatusText(status)), cancellationToken: cancellationToken);
        }

        return counts;
    }

    public async Task<DateTimeOffset?> OldestWaitingAcceptedAtAsync(CancellationToken cancellationToken)
    {
        var waiting = Builders<OutboxDocument>.Filter.In(
            d => d.Status, [OutboxCodes.StatusText(OutboxStatus.Pending), OutboxCodes.StatusText(OutboxStatus.Claimed)]);
        var oldest = await Outbox.Find(waiting).Sort(Builders<OutboxDocument>.Sort.Ascending(d => d.AcceptedAt)).Limit(1)
            .Project(d => d.AcceptedAt).ToListAsync(cancellationToken);
        return oldest.Count == 0 ? null : new DateTimeOffset(DateTime.SpecifyKind(oldest[0], DateTimeKind.Utc));
    }

    public async Task<IReadOnlyList<OutboxRow>> ListAsync(OutboxStatus status, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        var documents = await Outbox.Find(Builders<OutboxDocument>.Filter.Eq(d => d.Status, OutboxCodes.StatusText(status)))
            .Sort(Builders<OutboxDocument>.Sort.Descending(d => d.UpdatedAt).Ascending(d => d.Id))
            .Limit(take)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToRow());
    }

    public async Task<bool> RetryAsync(OutboxKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var result = await Outbox.UpdateOneAsync(
            Builders<OutboxDocument>.Filter.Eq(d => d.Id, OutboxKeyDocument.From(key)) & Retryable, RetryUpdate(now), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<long> RetryAllDeadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await Outbox.UpdateManyAsync(
            Builders<OutboxDocument>.Filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Dead)),
            RetryUpdate(now),
            cancellationToken: cancellationToken);
        return result.ModifiedCount;
    }

    /// <summary>A dead letter, or a refund resolved as nothing-to-reverse (its paid order may post after all).</summary>
    private static FilterDefinition<OutboxDocument> Retryable
    {
        get
        {
            var filter = Builders<OutboxDocument>.Filter;
            return filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Dead))
                | (filter.Eq(d => d.Id.Kind, OutboxCodes.KindText(OrderEventKind.Refunded))
                    & filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Posted))
                    & filter.Eq(d => d.ResultStatus, EarnPostResult.NothingToReverse));
        }
    }

    /// <summary>
    /// Reopens a refund whose paid order has posted. A pipeline update, so the new key generation is decided on the
    /// stored row: raised only when the refund was dead for a reason other than waiting for its payment (RRR refused it).
    /// </summary>
    private static UpdateDefinition<OutboxDocument> ReopenRefundUpdate(DateTimeOffset now)
    {
        var refused = new BsonDocument("$and", new BsonArray
        {
            new BsonDocument("$eq", new BsonArray { "$status", OutboxCodes.StatusText(OutboxStatus.Dead) }),
            new BsonDocument("$ne", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$last_error", "" }), OutboxCodes.PaidOrderUnknown }),
        });
        var at = new BsonDateTime(BsonTime.From(now));
        BsonDocument[] stages =
        [
            new("$set", new BsonDocument
            {
                ["key_generation"] = new BsonDocument("$add", new BsonArray
                {
                    new BsonDocument("$ifNull", new BsonArray { "$key_generation", 0 }),
                    new BsonDocument("$cond", new BsonArray { refused, 1, 0 }),
                }),
                ["status"] = OutboxCodes.StatusText(OutboxStatus.Pending),
                ["attempts"] = 0,
                ["next_attempt_at"] = at,
                ["updated_at"] = at,
            }),
            new("$unset", new BsonArray { "earn_event_id", "points", "result_status", "lease_owner", "lease_until" }),
        ];
        return Builders<OutboxDocument>.Update.Pipeline(new BsonDocumentStagePipelineDefinition<OutboxDocument, OutboxDocument>(stages));
    }

    /// <summary>An operator's retry: a new key generation, since RRR would replay its stored refusal for the old key.</summary>
    private static UpdateDefinition<OutboxDocument> RetryUpdate(DateTimeOffset now) =>
        Builders<OutboxDocument>.Update
            .Set(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Pending))
            .Set(d => d.Attempts, 0)
            .Inc(d => d.KeyGeneration, 1)
            .Set(d => d.NextAttemptAt, BsonTime.From(now))
            .Set(d => d.UpdatedAt, BsonTime.From(now))
            .Unset(d => d.EarnEventId)
            .Unset(d => d.Points)
            .Unset(d => d.ResultStatus)
            .Unset(d => d.LeaseOwner)
            .Unset(d => d.LeaseUntil);
}

internal sealed class OutboxKeyDocument
{
    [BsonElement("order_number")]
    public string OrderNumber { get; set; } = "";

    [BsonElement("kind")]
    public string Kind { get; set; } = "";

    [BsonIgnore]
    public string Text => Kind + "|" + OrderNumber;

    public static OutboxKeyDocument From(OutboxKey key) => new() { OrderNumber = key.OrderNumber, Kind = OutboxCodes.KindText(key.Kind) };
}

internal sealed class OutboxDocument
{
    [BsonId]
    public OutboxKeyDocument Id { get; set; } = new();

    [BsonElement("xcn_user_id")]
    public string XcnUserId { get; set; } = "";

    [BsonElement("product")]
    public string Product { get; set; } = "";

    /// <summary>A decimal string, as on the wire, so no side rounds it through a double.</summary>
    [BsonElement("amount")]
    [BsonIgnoreIfNull]
    public string? Amount { get; set; }

    [BsonElement("currency")]
    [BsonIgnoreIfNull]
    public string? Currency { get; set; }

    [BsonElement("occurred_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime OccurredAt { get; set; }

    [BsonElement("accepted_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime AcceptedAt { get; set; }

    [BsonElement("status")]
    public string Status { get; set; } = "";

    [BsonElement("attempts")]
    public int Attempts { get; set; }

    [BsonElement("next_attempt_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime NextAttemptAt { get; set; }

    [BsonElement("lease_owner")]
    [BsonIgnoreIfNull]
    public string? LeaseOwner { get; set; }

    [BsonElement("lease_until")]
    [BsonIgnoreIfNull]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime? LeaseUntil { get; set; }

    [BsonElement("earn_event_id")]
    [BsonIgnoreIfNull]
    public string? EarnEventId { get; set; }

    [BsonElement("points")]
    [BsonIgnoreIfNull]
    public long? Points { get; set; }

    [BsonElement("result_status")]
    [BsonIgnoreIfNull]
    public string? ResultStatus { get; set; }

    [BsonElement("last_error")]
    [BsonIgnoreIfNull]
    public string? LastError { get; set; }

    [BsonElement("updated_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime UpdatedAt { get; set; }

    /// <summary>Absent on documents from before key generations, which reads as 0: their keys are unchanged.</summary>
    [BsonElement("key_generation")]
    [BsonIgnoreIfDefault]
    public int KeyGeneration { get; set; }

    public static OutboxDocument From(EarnOrder order) => new()
    {
        Id = OutboxKeyDocument.From(order.Key),
        XcnUserId = order.XcnUserId,
        Product = OutboxCodes.ProductText(order.Product),
        Amount = order.Amount?.Amount.ToString(CultureInfo.InvariantCulture),
        Currency = order.Amount?.Currency,
        OccurredAt = BsonTime.From(order.OccurredAt),
        AcceptedAt = BsonTime.From(order.AcceptedAt),
        Status = OutboxCodes.StatusText(OutboxStatus.Pending),
        NextAttemptAt = BsonTime.From(order.AcceptedAt),
        UpdatedAt = BsonTime.From(order.AcceptedAt),
    };

    public OutboxRow ToRow() => new(
        new EarnOrder(
            Id.OrderNumber,
            OutboxCodes.ParseKind(Id.Kind),
            XcnUserId,
            OutboxCodes.ParseProduct(Product),
            Amount is null ? null : new Money(decimal.Parse(Amount, NumberStyles.Number, CultureInfo.InvariantCulture), Currency ?? ""),
            Utc(OccurredAt),
            Utc(AcceptedAt)),
        OutboxCodes.ParseStatus(Status),
        Attempts,
        Utc(NextAttemptAt),
        LeaseOwner,
        LeaseUntil is { } lease ? Utc(lease) : null,
        ResultStatus is null ? null : new EarnPostResult(EarnEventId, Points, ResultStatus),
        LastError,
        Utc(UpdatedAt),
        KeyGeneration);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);
}
