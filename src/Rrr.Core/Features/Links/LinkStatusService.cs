namespace Rrr.Core.Features.Links;

/// <summary>
/// The signed-in member's link status, per circuit: asks RRR, keeps the last answer in the store for
/// outages, and tells listeners (points panel, app bar chip) when it changed so they always agree.
/// Takes no user id: it reads the identity itself.
/// </summary>
public sealed partial class LinkStatusService(
    IMemberIdentity identity,
    IRrrLinksApi api,
    ILinkSnapshotStore store,
    TimeProvider time,
    ILogger<LinkStatusService> logger) : IDisposable
{
    // Panel and app bar load together; one RRR call serves both when it is this recent.
    private static readonly TimeSpan ReuseWindow = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim gate = new(1, 1);
    private LinkView? current;

    // Reads are numbered as they start, so a refresh can tell whether a read began after it asked.
    private long startedReads;
    private long currentRead;

    /// <summary>Raised after a read that changed what this circuit knows (status, version or staleness).</summary>
    public event Action<LinkView>? Changed;

    /// <summary>The last view this circuit read, if any.</summary>
    public LinkView? Current => current;

    /// <summary>The link for a component to render: RRR refusing the read, or a sign-in without a member id, is a problem result.</summary>
    /// <param name="refresh">Skip the short reuse window (e.g. after a LINK_UPDATED event).</param>
    public Task<RrrResult<LinkView>> FetchAsync(bool refresh, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => GetAsync(refresh, cancellationToken));

    /// <param name="refresh">Skip the short reuse window (e.g. after a LINK_UPDATED event or a wizard step).</param>
    public async Task<LinkView> GetAsync(bool refresh, CancellationToken cancellationToken) =>
        await GetForAsync(await identity.GetXcnUserIdAsync(cancellationToken) ?? throw new MemberIdentityMissingException(), refresh, cancellationToken);

    /// <summary>
    /// The link of the member a caller in Core has just read from the identity (so one request reads it once).
    /// Not public: components and callers outside Core never name the member.
    /// </summary>
    internal async Task<LinkView> GetForAsync(string xcnUserId, bool refresh, CancellationToken cancellationToken)
    {
        var askedAt = time.GetUtcNow();
        var readsBefore = Interlocked.Read(ref startedReads);
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Someone else in this circuit may have asked while we waited (panel and app bar on one event).
            if (current is { IsStale: false, FetchedAt: { } fetched } recent && recent.XcnUserId == xcnUserId
                && (refresh ? currentRead > readsBefore : askedAt - fetched < ReuseWindow))
            {
                return recent;
            }

            var read = Interlocked.Increment(ref startedReads);
            var view = await ReadAsync(xcnUserId, cancellationToken);
            currentRead = read;
            Publish(view);
            return view;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>As <see cref="GetAtLeastAsync"/>, for a component: a refused or failed read is a problem result.</summary>
    public Task<RrrResult<LinkView>> FetchAtLeastAsync(long? version, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => GetAtLeastAsync(version, cancellationToken));

    /// <summary>
    /// After RRR announced link version <paramref name="version"/> (LINK_UPDATED): the view this circuit holds
    /// when it is already that new (e.g. the wizard's own read), else a fresh read as <see cref="GetAsync"/> with refresh.
    /// </summary>
    public async Task<LinkView> GetAtLeastAsync(long? version, CancellationToken cancellationToken)
    {
        var xcnUserId = await identity.GetXcnUserIdAsync(cancellationToken) ?? throw new MemberIdentityMissingException();
        return current is { IsStale: false } known && known.XcnUserId == xcnUserId && version is { } wanted && known.Version >= wanted
            ? known
            : await GetAsync(refresh: true, cancellationToken);
    }

    /// <summary>The cached answer from the store (marked stale), without calling RRR; null if none.</summary>
    public async Task<LinkView?> PeekAsync(CancellationToken cancellationToken)
    {
        var xcnUserId = await identity.GetXcnUserIdAsync(cancellationToken);
        if (xcnUserId is null)
        {
            return null;
        }

        if (current is { } known && known.XcnUserId == xcnUserId)
        {
            return known;
        }

        return await ReadSnapshotAsync(xcnUserId, cancellationToken);
    }

    public void Dispose() => gate.Dispose();

    private async Task<LinkView> ReadAsync(string xcnUserId, CancellationToken cancellationToken)
    {
        LinkState state;
        try
        {
            state = await api.GetAsync(xcnUserId, cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            LogUnavailable(logger, xcnUserId, ex.Reason);
            return await ReadSnapshotAsync(xcnUserId, cancellationToken) ?? LinkView.Unknown(xcnUserId);
        }

        var fetchedAt = time.GetUtcNow();
        var snapshot = new LinkSnapshot(xcnUserId, JsonSerializer.Serialize(state, RrrJson.Options), state.Version, fetchedAt);
        try
        {
            if (await store.SaveLinkSnapshotAsync(snapshot, cancellationToken) == SnapshotSaveResult.Stale
                && await store.GetLinkSnapshotAsync(xcnUserId, cancellationToken) is { } newer && newer.Version > state.Version)
            {
                // Another read already stored a newer answer: that one is the truth to show.
                return ToView(newer, isStale: false);
            }
        }
#pragma warning disable CA1031 // the cache is a convenience: a store hiccup must not hide RRR's live answer
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogCacheWriteFailed(logger, xcnUserId, ex.GetType().Name);
        }

        return LinkView.From(state, fetchedAt, isStale: false);
    }

    private async Task<LinkView?> ReadSnapshotAsync(string xcnUserId, CancellationToken cancellationToken) =>
        await store.GetLinkSnapshotAsync(xcnUserId, cancellationToken) is { } snapshot ? ToView(snapshot, isStale: true) : null;

    private static LinkView ToView(LinkSnapshot snapshot, bool isStale)
    {
        var state = JsonSerializer.Deserialize<LinkState>(snapshot.LinkJson, RrrJson.Options)
            ?? throw new InvalidOperationException("Empty link snapshot.");
        return LinkView.From(state, snapshot.FetchedAt, isStale);
    }

    private void Publish(LinkView view)
    {
        var before = current;
        current = view;
        if (before is null || before.Status != view.Status || before.Version != view.Version || before.IsStale != view.IsStale
            || before.FetchedAt != view.FetchedAt)
        {
            Changed?.Invoke(view);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "RRR unavailable ({Reason}) reading the link of {XcnUserId}; using the cache")]
    private static partial void LogUnavailable(ILogger logger, string xcnUserId, RrrUnavailableReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not cache the link of {XcnUserId} ({ErrorClass})")]
    private static partial void LogCacheWriteFailed(ILogger logger, string xcnUserId, string errorClass);
}
