namespace Rrr.Core.Features.Earn;

/// <summary>A member's held paid orders changed (held, released, or closed by a refund): their points panel counts again.</summary>
public sealed record HeldOrdersChanged(string XcnUserId) : IPortalMessage
{
    public static PortalTopic<HeldOrdersChanged> Of(string xcnUserId) => new("earn.held", xcnUserId);

    public IEnumerable<PortalTopicKey> Topics() => [Of(XcnUserId).Key];
}

/// <summary>
/// What a member's held orders are worth: XCN's expected points (<see cref="EarnOptions.ExpectedPoints"/>; RRR's own
/// rules decide what is credited when they post), how many orders, and when the first of them stops waiting.
/// </summary>
public sealed record HeldPoints(string XcnUserId, long Points, int Orders, DateTimeOffset? FirstExpiresAt)
{
    public bool Any => Orders > 0;
}

/// <summary>
/// Paid orders of buyers RRR does not know as linked (status HELD): released when the buyer links (the next post uses a
/// new key generation, RRR's one-earn-per-order keeps it to one earn), dead-lettered as hold_expired by a sweep once
/// Earn:HoldUnlinkedFor has passed, and summed for the member's points panel.
/// </summary>
public sealed partial class HeldEarnings(
    IEarnOutbox outbox,
    EarnSignal signal,
    IPortalEvents events,
    TimeProvider time,
    IOptions<EarnOptions> options,
    ILogger<HeldEarnings> logger)
{
    /// <summary>Held orders summed for one member at most; far more than one buyer makes in a hold window.</summary>
    public const int MaxSummedOrders = 500;

    /// <summary>How often a dispatcher pass sweeps expired holds at most: holds last days, a minute late is on time.</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private long nextSweepTicks = DateTimeOffset.MinValue.UtcTicks;

    /// <summary>The buyer is linked now: their held orders go back to the dispatcher, which is woken. Returns how many.</summary>
    public async Task<long> ReleaseAsync(string xcnUserId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(xcnUserId);
        var released = await outbox.ReleaseHeldAsync(xcnUserId, time.GetUtcNow(), cancellationToken);
        if (released > 0)
        {
            LogReleased(logger, xcnUserId, released);
            signal.Notify();
            events.Publish(new HeldOrdersChanged(xcnUserId));
        }

        return released;
    }

    /// <summary>Dead-letters the holds whose window has passed; at most once per <see cref="SweepInterval"/> (0 when skipped).</summary>
    public async Task<long> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = Interlocked.Read(ref nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref nextSweepTicks, (now + SweepInterval).UtcTicks, due) != due)
        {
            return 0;
        }

        var expired = await outbox.ExpireHeldAsync(now, cancellationToken);
        if (expired > 0)
        {
            LogExpired(logger, expired);
        }

        return expired;
    }

    /// <summary>What <paramref name="xcnUserId"/>'s held orders are expected to earn once they post.</summary>
    public async Task<HeldPoints> SummaryAsync(string xcnUserId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(xcnUserId);
        var rows = await outbox.ListHeldAsync(xcnUserId, MaxSummedOrders, cancellationToken);
        var settings = options.Value;
        var points = rows.Sum(r => r.Order.Amount is { } amount ? settings.ExpectedPoints(r.Order.Product, amount.Amount) : 0);
        return new HeldPoints(xcnUserId, points, rows.Count, rows.Count == 0 ? null : rows.Min(r => r.HeldUntil));
    }

    /// <summary>Tells the panels of these members that their held orders changed (the dispatcher held or closed some).</summary>
    public void Announce(IEnumerable<string> xcnUserIds)
    {
        ArgumentNullException.ThrowIfNull(xcnUserIds);
        foreach (var user in xcnUserIds.Distinct(StringComparer.Ordinal))
        {
            events.Publish(new HeldOrdersChanged(user));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{XcnUserId} is linked: {Count} held orders released to RRR")]
    private static partial void LogReleased(ILogger logger, string xcnUserId, long count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} held orders dead-lettered: their buyers did not link within Earn:HoldUnlinkedFor")]
    private static partial void LogExpired(ILogger logger, long count);
}
