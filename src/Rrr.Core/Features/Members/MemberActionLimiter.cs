using System.Threading.RateLimiting;

namespace Rrr.Core.Features.Members;

/// <summary>What a signed-in member may only do so often (each asks RRR for something an attacker would repeat).</summary>
public enum MemberAction
{
    /// <summary>Starting a link, possibly naming someone else's RRR member number (RRR then mails that member a code).</summary>
    LinkIntent,

    /// <summary>One try of a six-digit link code.</summary>
    LinkCode,
}

/// <summary>A fixed window: at most <see cref="PermitLimit"/> actions per <see cref="Window"/>.</summary>
public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }

    /// <summary>Null when usable, else what is wrong (for a start-up message).</summary>
    public string? Problem() =>
        PermitLimit is < 1 or > 100_000 ? "PermitLimit must be between 1 and 100000."
        : Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromDays(1) ? "Window must be between 00:00:01 and 1.00:00:00."
        : null;

    /// <summary>The framework's fixed window for one partition: no queue (a refused call is answered at once).</summary>
    public RateLimitPartition<TKey> Partition<TKey>(TKey key) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = PermitLimit,
            Window = Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    /// <summary>The limiter's Retry-After, at least a second: a refused caller is never told to retry at once.</summary>
    public static TimeSpan RetryAfterOf(RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1);
    }
}

/// <summary>Limits of the member actions that run inside a circuit (no HTTP request, so no endpoint policy can see them).</summary>
public sealed class MemberActionLimits
{
    public RateLimitRule LinkIntents { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(15) };

    public RateLimitRule LinkCodes { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(15) };
}

/// <summary>
/// The framework's partitioned fixed-window limiter, keyed by action and XCN user id (the <c>sub</c>), shared by
/// every circuit of the process: a member who opens more tabs gets no more tries.
/// </summary>
public sealed class MemberActionLimiter(IOptions<MemberActionLimits> options)
    : KeyedLimiter<MemberAction, MemberActionLimits>(options, (limits, action) => action == MemberAction.LinkIntent ? limits.LinkIntents : limits.LinkCodes)
{
    /// <summary>Null when the action may go ahead (one permit is used), else how long to wait.</summary>
    public TimeSpan? TryAcquire(MemberAction action, string xcnUserId)
    {
        ArgumentException.ThrowIfNullOrEmpty(xcnUserId);
        return Acquire(action, xcnUserId);
    }
}
