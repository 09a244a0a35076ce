namespace Rrr.Core.Features.Earn;

/// <summary>What the admin page shows and does: backlog, held orders, dead letters, retries.</summary>
public sealed class EarnAdmin(IEarnOutbox outbox, EarnSignal signal, TimeProvider time)
{
    public Task<IReadOnlyDictionary<OutboxStatus, long>> GetBacklogAsync(CancellationToken cancellationToken) =>
        outbox.CountByStatusAsync(cancellationToken);

    public Task<IReadOnlyList<OutboxRow>> ListDeadAsync(int take, CancellationToken cancellationToken) =>
        outbox.ListAsync(OutboxStatus.Dead, take, cancellationToken);

    /// <summary>Paid orders waiting for their buyer to link (each with the end of its hold), most recently held first.</summary>
    public Task<IReadOnlyList<OutboxRow>> ListHeldAsync(int take, CancellationToken cancellationToken) =>
        outbox.ListAsync(OutboxStatus.Held, take, cancellationToken);

    /// <summary>Dead letters that are expired holds: the buyer never linked (a retry helps only once they have).</summary>
    public Task<long> CountHoldExpiredAsync(CancellationToken cancellationToken) =>
        outbox.CountDeadAsync(OutboxCodes.HoldExpired, cancellationToken);

    /// <summary>Orders that reached RRR, most recently settled first: what RRR answered for each.</summary>
    public Task<IReadOnlyList<OutboxRow>> ListRecentlyPostedAsync(int take, CancellationToken cancellationToken) =>
        outbox.ListAsync(OutboxStatus.Posted, take, cancellationToken);

    /// <summary>
    /// Sends a dead letter round again. Retrying a paid order also reopens its refund if that was resolved
    /// as nothing-to-reverse meanwhile, so a late earn is still reversed.
    /// </summary>
    public async Task<bool> RetryAsync(OutboxKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow();
        var retried = await outbox.RetryAsync(key, now, cancellationToken);
        if (retried && key.Kind == OrderEventKind.Paid)
        {
            await outbox.RetryAsync(key with { Kind = OrderEventKind.Refunded }, now, cancellationToken);
        }

        if (retried)
        {
            signal.Notify();
        }

        return retried;
    }

    public async Task<long> RetryAllDeadAsync(CancellationToken cancellationToken)
    {
        var dead = await outbox.ListAsync(OutboxStatus.Dead, 10_000, cancellationToken);
        var now = time.GetUtcNow();
        var count = await outbox.RetryAllDeadAsync(now, cancellationToken);
        foreach (var paid in dead.Where(r => r.Order.Kind == OrderEventKind.Paid))
        {
            await outbox.RetryAsync(paid.Key with { Kind = OrderEventKind.Refunded }, now, cancellationToken);
        }

        if (count > 0)
        {
            signal.Notify();
        }

        return count;
    }
}
