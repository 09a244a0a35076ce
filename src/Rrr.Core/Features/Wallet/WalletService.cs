namespace Rrr.Core.Features.Wallet;

/// <summary>
/// The signed-in member's points, from RRR. Caches each answer (versioned) so an outage shows the last
/// known numbers with their age instead of nothing. Its methods take no member id on purpose: the member
/// is always the one <see cref="CurrentMemberService"/> resolves from the sign-in.
/// </summary>
public sealed partial class WalletService(
    CurrentMemberService members,
    IRrrWalletApi api,
    IWalletSnapshotStore store,
    TimeProvider time,
    ILogger<WalletService> logger)
{
    public const int MaxPageSize = 100;

    /// <summary>
    /// The wallet as the panel shows it. An outage is not a failure here: the view says "unavailable" and carries the
    /// last known numbers. A problem is RRR refusing the read (its code kept) or a sign-in without a member id.
    /// </summary>
    /// <param name="refreshLink">Ask RRR for the link again too (after LINK_UPDATED, or when retrying after an outage).</param>
    public Task<RrrResult<WalletView>> GetAsync(bool refreshLink, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => ReadAsync(refreshLink, cancellationToken));

    private async Task<WalletView> ReadAsync(bool refreshLink, CancellationToken cancellationToken)
    {
        var member = await members.GetAsync(refreshLink, cancellationToken);
        var link = member.Link;
        if (link.Status is null)
        {
            // RRR is down and we never learnt this member's link: nothing honest to show yet.
            return new WalletView(WalletAvailability.NoDataYet, null, null, link);
        }

        if (member.RrrMemberId is not { } rrrMemberId)
        {
            return new WalletView(WalletAvailability.NotLinked, null, null, link);
        }

        if (link.IsStale)
        {
            // The link read just failed: RRR is down, so asking for the wallet would only wait out the same outage.
            return await FromSnapshotAsync(rrrMemberId, link, retryAfter: null, cancellationToken);
        }

        MemberWallet wallet;
        try
        {
            wallet = await api.GetWalletAsync(rrrMemberId, cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            LogUnavailable(logger, rrrMemberId, ex.Reason);
            return await FromSnapshotAsync(rrrMemberId, link, ex.RetryAfter, cancellationToken);
        }

        var fetchedAt = time.GetUtcNow();
        return await RememberAsync(wallet, fetchedAt, link, cancellationToken);
    }

    /// <summary>The cached wallet without calling RRR (first paint while RRR is asked); null when nothing is cached.</summary>
    public async Task<WalletView?> PeekAsync(CancellationToken cancellationToken)
    {
        var member = await members.PeekAsync(cancellationToken);
        if (member?.RrrMemberId is not { } rrrMemberId)
        {
            return null;
        }

        var snapshot = await store.GetWalletSnapshotAsync(rrrMemberId, cancellationToken);
        return snapshot is null
            ? null
            : new WalletView(WalletAvailability.Stale, Deserialize(snapshot), snapshot.FetchedAt, member.Link);
    }

    /// <summary>
    /// What to show after RRR announced <paramref name="rrrEvent"/>, from what is already known, without asking
    /// RRR: the stored snapshot when it already holds the wallet version the event announced (another tab or
    /// instance read it since), or <paramref name="shown"/> itself for a link change of a version it already
    /// reflects. Null when only RRR can tell (then the caller reads as on first load); a store that cannot be
    /// read counts as nothing known.
    /// </summary>
    public async Task<WalletView?> KnownAfterAsync(WalletView shown, RrrEvent rrrEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shown);
        ArgumentNullException.ThrowIfNull(rrrEvent);
        if (shown.RrrUnavailable || rrrEvent.Version is not { } version)
        {
            return null;
        }

        if (rrrEvent.Type == RrrEventTypes.LinkUpdated)
        {
            return rrrEvent.ResourceType == "link" && shown.Link.Version >= version ? shown : null;
        }

        // The member is the one this circuit shows (it came from the sign-in), never one the event names.
        if (rrrEvent.ResourceType != "wallet" || !shown.Link.IsLinked || rrrEvent.ResourceId != shown.Link.RrrMemberId)
        {
            return null;
        }

        WalletSnapshot? snapshot;
        try
        {
            snapshot = await store.GetWalletSnapshotAsync(shown.Link.RrrMemberId!, cancellationToken);
        }
#pragma warning disable CA1031 // the stored copy is a shortcut: when it cannot be read, RRR is asked as before
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (ex is not OperationCanceledException)
            {
                LogCacheReadFailed(logger, shown.Link.RrrMemberId!, ex.GetType().Name);
            }

            return null;
        }

        return snapshot is { } known && known.Version >= version
            ? new WalletView(WalletAvailability.Live, Deserialize(known), known.FetchedAt, shown.Link)
            : null;
    }

    /// <summary>
    /// One page of the member's transactions, newest first. <paramref name="cursor"/> is RRR's opaque
    /// <c>next_cursor</c>; it only pages within the signed-in member's own ledger. Unavailable when RRR is down
    /// (history is not cached).
    /// </summary>
    public Task<RrrResult<TransactionsPage>> GetTransactionsAsync(string? cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        return RrrResult.CallAsync(() => ReadTransactionsAsync(cursor, limit, cancellationToken));
    }

    private async Task<TransactionsPage> ReadTransactionsAsync(string? cursor, int limit, CancellationToken cancellationToken)
    {
        var member = await members.GetAsync(refreshLink: false, cancellationToken);
        if (member.RrrMemberId is not { } rrrMemberId)
        {
            return TransactionsPage.Empty;
        }

        var page = await api.GetTransactionsAsync(rrrMemberId, string.IsNullOrEmpty(cursor) ? null : cursor, limit, cancellationToken);
        return new TransactionsPage(page.Items, page.NextCursor);
    }

    private async Task<WalletView> RememberAsync(MemberWallet wallet, DateTimeOffset fetchedAt, LinkView link, CancellationToken cancellationToken)
    {
        var snapshot = new WalletSnapshot(
            wallet.RrrMemberId, JsonSerializer.Serialize(wallet, RrrJson.Options), wallet.AsOf, fetchedAt, wallet.Version);
        try
        {
            if (await store.SaveWalletSnapshotAsync(snapshot, cancellationToken) == SnapshotSaveResult.Stale
                && await store.GetWalletSnapshotAsync(wallet.RrrMemberId, cancellationToken) is { } newer
                && newer.Version > wallet.Version)
            {
                // A concurrent read (another tab, another instance) already saw a later ledger state.
                return new WalletView(WalletAvailability.Live, Deserialize(newer), newer.FetchedAt, link);
            }
        }
#pragma warning disable CA1031 // the cache is a convenience: a store hiccup must not hide RRR's live answer
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogCacheWriteFailed(logger, wallet.RrrMemberId, ex.GetType().Name);
        }

        return new WalletView(WalletAvailability.Live, wallet, fetchedAt, link);
    }

    private async Task<WalletView> FromSnapshotAsync(string rrrMemberId, LinkView link, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var snapshot = await store.GetWalletSnapshotAsync(rrrMemberId, cancellationToken);
        return snapshot is null
            ? new WalletView(WalletAvailability.NoDataYet, null, null, link, retryAfter)
            : new WalletView(WalletAvailability.Stale, Deserialize(snapshot), snapshot.FetchedAt, link, retryAfter);
    }

    private static MemberWallet Deserialize(WalletSnapshot snapshot) =>
        JsonSerializer.Deserialize<MemberWallet>(snapshot.WalletJson, RrrJson.Options)
        ?? throw new InvalidOperationException("Empty wallet snapshot.");

    [LoggerMessage(Level = LogLevel.Information, Message = "RRR unavailable ({Reason}) reading the wallet of {RrrMemberId}; using the cache")]
    private static partial void LogUnavailable(ILogger logger, string rrrMemberId, RrrUnavailableReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the cached wallet of {RrrMemberId} ({ErrorClass}); asking RRR")]
    private static partial void LogCacheReadFailed(ILogger logger, string rrrMemberId, string errorClass);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not cache the wallet of {RrrMemberId} ({ErrorClass})")]
    private static partial void LogCacheWriteFailed(ILogger logger, string rrrMemberId, string errorClass);
}
