using System.Threading.RateLimiting;

namespace Rrr.Core.Features.Members;

/// <summary>
/// Fixed windows per (kind, key), one <see cref="RateLimitRule"/> per kind, over the framework's partitioned
/// limiter and shared by the whole process: what counts member actions here and client failures in the portal.
/// Each limiter derives from it with its settings, the rule of each kind in them, and its own key.
/// </summary>
public abstract class KeyedLimiter<TKind, TLimits> : IDisposable
    where TKind : notnull
    where TLimits : class
{
    private readonly PartitionedRateLimiter<(TKind Kind, string Key)> _limiter;

    protected KeyedLimiter(IOptions<TLimits> options, Func<TLimits, TKind, RateLimitRule> ruleOf)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ruleOf);
        var limits = options.Value;
        _limiter = PartitionedRateLimiter.Create<(TKind Kind, string Key), (TKind, string)>(key => ruleOf(limits, key.Kind).Partition(key));
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Null when a permit was taken, else how long to wait.</summary>
    protected TimeSpan? Acquire(TKind kind, string key)
    {
        using var lease = _limiter.AttemptAcquire((kind, key));
        return lease.IsAcquired ? null : RateLimitRule.RetryAfterOf(lease);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _limiter.Dispose();
        }
    }
}
