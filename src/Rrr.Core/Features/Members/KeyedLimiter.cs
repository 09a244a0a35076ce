using System.Threading.RateLimiting;

namespace Rrr.Core.Features.Members;

/// <summary>
/// Fixed windows per (kind, key), one <see cref="RateLimitRule"/> per kind, over the framework's partitioned
/// limiter and shared by the whole process: what counts member actions here and client failures in the portal.
/// </summary>
public sealed class KeyedLimiter<TKind> : IDisposable
    where TKind : notnull
{
    private readonly PartitionedRateLimiter<(TKind Kind, string Key)> _limiter;

    public KeyedLimiter(Func<TKind, RateLimitRule> ruleOf)
    {
        ArgumentNullException.ThrowIfNull(ruleOf);
        _limiter = PartitionedRateLimiter.Create<(TKind Kind, string Key), (TKind, string)>(key => ruleOf(key.Kind).Partition(key));
    }

    /// <summary>Null when a permit was taken, else how long to wait.</summary>
    public TimeSpan? TryAcquire(TKind kind, string key)
    {
        using var lease = _limiter.AttemptAcquire((kind, key));
        return lease.IsAcquired ? null : RateLimitRule.RetryAfterOf(lease);
    }

    public void Dispose() => _limiter.Dispose();
}
