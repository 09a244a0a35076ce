namespace Rrr.Persistence.Mongo;

/// <summary>
/// The earn outbox. Uniqueness rides on <c>_id</c> (order number + kind). A claim and a batch of completions
/// are each one transaction, as in SQLite: two instances never lease the same row, and a batch costs a few
/// calls, not one per row. While a row is CLAIMED its next_attempt_at is the lease end, so one index serves
/// fresh rows and rows of a crashed instance. HELD rows (buyer not linked yet) are never due; they wait for a release or expiry.
/// </summary>
public sealed class MongoEarnOutbox(MongoDatabaseContext context) : IEarnOutbox
{
    internal static PortCollection<OutboxDocument> Collection { get; } = new(
        "earn_outbox",
        index =>
        [
            index.Ascending(d => d.Status).Ascending(d => d.NextAttemptAt).Ascending(d => d.AcceptedAt).Named("ix_status_next_attempt_at"),
            index.Ascending(d => d.Status).Descending(d => d.UpdatedAt).Ascending(d => d.Id).Named("ix_status_updated_at_id"),
            index.Ascending(d => d.Status).Ascending(d => d.AcceptedAt).Named("ix_status_accepted_at"),
            index.Ascending(d => d.XcnUserId).Ascending(d => d.Status).Named("ix_xcn_user_id_status"),
        ],
        "ix_status_updated_at");

    private static FilterDefinitionBuilder<OutboxDocument> Filter => Builders<OutboxDocument>.Filter;

    private static SortDefinition<OutboxDocument> ClaimOrder => Builders<OutboxDocument>.Sort.Ascending(d => d.NextAttemptAt).Ascending(d => d.AcceptedAt);

    private IMongoCollection<OutboxDocument> Outbox => Collection.In(context);

    public async Task<IReadOnlyList<OutboxAddOutcome>> TryAddManyAsync(IReadOnlyList<EarnOrder> orders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (orders.Count == 0)
        {
            return [];
        }

        // A repeated key within the batch: only its first occurrence is inserted.
        var added = new bool[orders.Count];
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

        // One unordered insert, outside a transaction on purpose: a key already stored would abort a
        // transaction, while here it fails alone and the rest of the batch is stored.
        try
        {
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
        var stored = (await Outbox.Find(Filter.In(d => d.Id, ids)).ToListAsync(cancellationToken)).ToDictionary(d => d.Id.Text, StringComparer.Ordinal);
        return orders.Select((order, i) => new OutboxAddOutcome(added[i], stored[OutboxKeyDocument.From(order.Key).Text].ToRow())).ToList();
    }

    public async Task<IReadOnlyList<OutboxRow>> ClaimBatchAsync(
        string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var due = Filter.In(d => d.Status, OutboxUpdates.DueStatuses) & Filter.Lte(d => d.NextAttemptAt, BsonTime.From(now));
        var lease = Builders<OutboxDocument>.Update
            .Set(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Claimed))
            .Set(d => d.LeaseOwner, owner)
            .Set(d => d.LeaseUntil, BsonTime.From(leaseUntil))
            .Set(d => d.NextAttemptAt, BsonTime.From(leaseUntil))
            .Set(d => d.UpdatedAt, BsonTime.From(now));

        // Oldest due first; the lease made their next_attempt_at equal, so the order picked is the one kept.
        var claimed = await context.ClaimAsync(Outbox, d => d.Id, id => id.Text, due, ClaimOrder, max, lease, cancellationToken);
        return claimed.ConvertAll(d => d.ToRow());
    }

    public async Task<IReadOnlyList<bool>> CompleteManyAsync(
        string owner, IReadOnlyList<OutboxCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        foreach (var completion in completions)
        {
            ArgumentNullException.ThrowIfNull(completion);
        }

        if (completions.Count == 0)
        {
            return [];
        }

        // One transaction, as in SQLite: read which rows this owner still leases, one bulk write of the
        // completions, then one write for the batch's refunds that waited in vain.
        return await context.InTransactionAsync<IReadOnlyList<bool>>(
            async (session, ct) =>
            {
                var keys = completions.Select(c => OutboxKeyDocument.From(c.Key)).ToList();
                var leased = (await Outbox.Find(session, Filter.In(d => d.Id, keys) & OutboxUpdates.LeasedBy(owner)).Project(d => d.Id).ToListAsync(ct))
                    .Select(k => k.Text).ToHashSet(StringComparer.Ordinal);
                var results = new bool[completions.Count];
                var writes = new List<WriteModel<OutboxDocument>>();
                var reopen = new List<OutboxKeyDocument>();
                var cancels = new List<string>();
                for (var i = 0; i < completions.Count; i++)
                {
                    // Remove: a second completion of the same row finds it no longer leased, as SQLite's second UPDATE does.
                    results[i] = leased.Remove(keys[i].Text);
                    if (!results[i])
                    {
                        continue;
                    }

                    writes.Add(new UpdateOneModel<OutboxDocument>(Filter.Eq(d => d.Id, keys[i]) & OutboxUpdates.LeasedBy(owner), OutboxUpdates.Complete(completions[i], now)));
                    if (completions[i].ReopensRefund)
                    {
                        reopen.Add(OutboxKeyDocument.From(completions[i].Key with { Kind = OrderEventKind.Refunded }));
                    }

                    if (completions[i].CancelsHeldPaid)
                    {
                        cancels.Add(completions[i].Key.OrderNumber);
                    }
                }

                if (writes.Count > 0)
                {
                    await Outbox.BulkWriteAsync(session, writes, new BulkWriteOptions { IsOrdered = true }, ct);
                }

                if (reopen.Count > 0)
                {
                    // Conditional on the stored state, like SQLite's.
                    await Outbox.UpdateManyAsync(session, Filter.In(d => d.Id, reopen) & OutboxUpdates.Retryable, OutboxUpdates.ReopenRefund(now), cancellationToken: ct);
                }

                foreach (var order in cancels)
                {
                    await CancelHeldPaidAsync(session, order, now, ct);
                }

                return results;
            },
            cancellationToken);
    }

    public async Task<OutboxRow?> GetAsync(OutboxKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var document = await Outbox.Find(Filter.Eq(d => d.Id, OutboxKeyDocument.From(key))).FirstOrDefaultAsync(cancellationToken);
        return document?.ToRow();
    }

    public async Task<IReadOnlyDictionary<OutboxStatus, long>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        // One $group, as SQLite's GROUP BY; statuses without rows count 0.
        var counts = Enum.GetValues<OutboxStatus>().ToDictionary(s => s, _ => 0L);
        BsonDocument[] byStatus = [new("$group", new BsonDocument { ["_id"] = "$status", ["n"] = new BsonDocument("$sum", 1) })];
        var groups = await (await Outbox.AggregateAsync<BsonDocument>(byStatus, cancellationToken: cancellationToken)).ToListAsync(cancellationToken);
        foreach (var group in groups)
        {
            counts[OutboxCodes.ParseStatus(group["_id"].AsString)] = group["n"].ToInt64();
        }

        return counts;
    }

    public async Task<DateTimeOffset?> OldestWaitingAcceptedAtAsync(CancellationToken cancellationToken)
    {
        var oldest = await Outbox.Find(Filter.In(d => d.Status, OutboxUpdates.DueStatuses))
            .Sort(Builders<OutboxDocument>.Sort.Ascending(d => d.AcceptedAt)).Limit(1)
            .Project(d => d.AcceptedAt).ToListAsync(cancellationToken);
        return oldest.Count == 0 ? null : BsonTime.Utc(oldest[0]);
    }

    public async Task<IReadOnlyList<OutboxRow>> ListAsync(OutboxStatus status, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        var documents = await Outbox.Find(Filter.Eq(d => d.Status, OutboxCodes.StatusText(status)))
            .Sort(Builders<OutboxDocument>.Sort.Descending(d => d.UpdatedAt).Ascending(d => d.Id))
            .Limit(take)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToRow());
    }

    public async Task<bool> RetryAsync(OutboxKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var result = await Outbox.UpdateOneAsync(
            Filter.Eq(d => d.Id, OutboxKeyDocument.From(key)) & OutboxUpdates.Retryable, OutboxUpdates.Retry(now), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<long> RetryAllDeadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await Outbox.UpdateManyAsync(
            Filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Dead)), OutboxUpdates.Retry(now), cancellationToken: cancellationToken);
        return result.ModifiedCount;
    }

    public async Task<long> ReleaseHeldAsync(string xcnUserId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(xcnUserId);
        var paidOfUser = Filter.Eq(d => d.XcnUserId, xcnUserId) & Filter.Eq(d => d.Id.Kind, OutboxCodes.KindText(OrderEventKind.Paid));

        // As SQLite: the CLAIMED rows' new generation first, then the HELD rows, in one transaction.
        return await context.InTransactionAsync(
            async (session, ct) =>
            {
                await Outbox.UpdateManyAsync(
                    session, paidOfUser & Filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Claimed)),
                    Builders<OutboxDocument>.Update.Inc(d => d.KeyGeneration, 1), cancellationToken: ct);
                var released = await Outbox.UpdateManyAsync(
                    session, paidOfUser & Filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Held)), OutboxUpdates.Release(now), cancellationToken: ct);
                return released.ModifiedCount;
            },
            cancellationToken);
    }

    public async Task<long> ExpireHeldAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await Outbox.UpdateManyAsync(
            Filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Held)) & Filter.Lte(d => d.HeldUntil, BsonTime.From(now)),
            OutboxUpdates.Expire(now),
            cancellationToken: cancellationToken);
        return result.ModifiedCount;
    }

    public async Task<IReadOnlyList<OutboxRow>> ListHeldAsync(string xcnUserId, int take, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(xcnUserId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        var documents = await Outbox.Find(Filter.Eq(d => d.XcnUserId, xcnUserId) & Filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Held)))
            .Sort(Builders<OutboxDocument>.Sort.Ascending(d => d.AcceptedAt).Ascending(d => d.Id))
            .Limit(take)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToRow());
    }

    public Task<long> CountDeadAsync(string errorCode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);
        return Outbox.CountDocumentsAsync(
            Filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Dead)) & Filter.Eq(d => d.LastError, errorCode), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The held paid order a refund overtook is closed; if it is no longer HELD (released or expired meanwhile), the
    /// refund goes round again instead, as in SQLite.
    /// </summary>
    private async Task CancelHeldPaidAsync(IClientSessionHandle session, string orderNumber, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var paid = OutboxKeyDocument.From(new OutboxKey(orderNumber, OrderEventKind.Paid));
        var cancelled = await Outbox.UpdateOneAsync(
            session, Filter.Eq(d => d.Id, paid) & Filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Held)), OutboxUpdates.CancelHeld(now),
            cancellationToken: cancellationToken);
        if (cancelled.ModifiedCount == 0)
        {
            var refund = OutboxKeyDocument.From(new OutboxKey(orderNumber, OrderEventKind.Refunded));
            await Outbox.UpdateOneAsync(
                session, Filter.Eq(d => d.Id, refund) & Filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Posted)), OutboxUpdates.RefundAgain(now),
                cancellationToken: cancellationToken);
        }
    }
}
