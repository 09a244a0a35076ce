namespace Rrr.Core.Features.Awards;

/// <summary>
/// The link hints of room viewers, kept a short while across circuits so re-opening a room does not ask RRR
/// again for every viewer. A LINK_UPDATED event drops that viewer's hint at once; the time limit bounds how
/// stale a hint can be where the event reaches another instance (the events is in-process) or arrives late.
/// Only definite answers are kept: an unknown hint (RRR failed) is asked again next time.
/// </summary>
public sealed class ViewerLinkHintCache : IDisposable
{
    /// <summary>How long a hint is reused.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(60);

    // A bound on memory for a portal that sees many viewers: past it, expired hints go, and if that is not
    // enough, all of them (the next rooms simply ask RRR again).
    internal const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private readonly IDisposable subscription;
    private long invalidations;

    public ViewerLinkHintCache(IPortalEvents events, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(events);
        this.time = time;
        subscription = events.Subscribe(RrrTopic.OfType(RrrEventTypes.LinkUpdated), OnEvent);
    }

    /// <summary>
    /// A stamp to pass to <see cref="Set"/> for an answer asked for now: an answer whose read overlapped an
    /// invalidation is not kept, since it may predate the change the event announced.
    /// </summary>
    public long Stamp => Interlocked.Read(ref invalidations);

    public bool TryGet(string xcnUserId, out ViewerLinkHint hint)
    {
        if (entries.TryGetValue(xcnUserId, out var entry) && entry.ExpiresAt > time.GetUtcNow())
        {
            hint = entry.Hint;
            return true;
        }

        hint = ViewerLinkHint.Unknown;
        return false;
    }

    public void Set(string xcnUserId, ViewerLinkHint hint, long stamp)
    {
        if (hint == ViewerLinkHint.Unknown || stamp != Stamp)
        {
            return;
        }

        if (entries.Count >= Capacity)
        {
            Prune();
        }

        entries[xcnUserId] = new Entry(hint, time.GetUtcNow() + TimeToLive);

        // An invalidation between the stamp check and the write above must still win.
        if (stamp != Stamp)
        {
            entries.TryRemove(xcnUserId, out _);
        }
    }

    public void Invalidate(string xcnUserId)
    {
        Interlocked.Increment(ref invalidations);
        entries.TryRemove(xcnUserId, out _);
    }

    public void Dispose() => subscription.Dispose();

    // Runs on the webhook processor's thread: a dictionary removal, nothing more.
    private void OnEvent(RrrEvent rrrEvent)
    {
        if (rrrEvent.Type == RrrEventTypes.LinkUpdated && (rrrEvent.XcnUserId ?? rrrEvent.ResourceId) is { Length: > 0 } xcnUserId)
        {
            Invalidate(xcnUserId);
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (key, entry) in entries)
        {
            if (entry.ExpiresAt <= now)
            {
                entries.TryRemove(key, out _);
            }
        }

        if (entries.Count >= Capacity)
        {
            entries.Clear();
        }
    }

    private readonly record struct Entry(ViewerLinkHint Hint, DateTimeOffset ExpiresAt);
}
