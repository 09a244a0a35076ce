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
            : new WalletView(WalletAvailability.Stale, snapshot.ToWallet(), snapshot.FetchedAt, member.Link);
    }

    /// <summary>
    /// One page of the member's transactions, newest first. <paramref name="cursor"/> is RRR's opaque
    /// <c>next_cursor</c>; it only pages within the signed-in member's own ledger. Unavailable when RRR is down
    /// (history is not cached).
    /// </summary>
    public async Task<RrrResult<TransactionsPage>> GetTransactionsAsync(string? cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        var page = await RrrResult.CallAsync(() => ReadTransactionsAsync(cursor, limit, cancellationToken));

        // A link RRR could not be asked about (down since before it was first known) proves no empty history.
        return page is { IsOk: true, Value.Standing: HistoryStanding.LinkUnknown } ? RrrResult.Unavailable<TransactionsPage>() : page;
    }

    /// <summary>
    /// A walk of the signed-in member's ledger through <paramref name="filter"/>, <paramref name="pageSize"/> entries per
    /// RRR page. Every page goes through <see cref="GetTransactionsAsync"/>, so a walk can only ever see the signed-in
    /// member's own ledger.
    /// </summary>
    public HistoryWalk WalkHistory(HistoryFilter filter, int pageSize) => new(filter, GetTransactionsAsync, pageSize);

    private async Task<TransactionsPage> ReadTransactionsAsync(string? cursor, int limit, CancellationToken cancellationToken)
    {
        var member = await members.GetAsync(refreshLink: false, cancellationToken);
        if (member.RrrMemberId is not { } rrrMemberId)
        {
            return member.Link.Status is null ? TransactionsPage.LinkUnknown : TransactionsPage.NotLinked;
        }

        var page = await api.GetTransactionsAsync(rrrMemberId, string.IsNullOrEmpty(cursor) ? null : cursor, limit, cancellationToken);
        return new TransactionsPage(page.Items, page.NextCursor);
    }

    private async Task<WalletView> RememberAsync(MemberWallet wallet, DateTimeOffset fetchedAt, LinkView link, CancellationToken cancellationToken)
    {
        var snapshot = WalletSnapshot.Of(wallet, fetchedAt);
        try
        {
            var kept = await store.RememberAsync(snapshot, cancellationToken);
            if (!ReferenceEquals(kept, snapshot))
            {
                // A concurrent read (another tab, another instance) already saw a later ledger state.
                return new WalletView(WalletAvailability.Live, kept.ToWallet(), kept.FetchedAt, link);
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
            : new WalletView(WalletAvailability.Stale, snapshot.ToWallet(), snapshot.FetchedAt, link, retryAfter);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "RRR unavailable ({Reason}) reading the wallet of {RrrMemberId}; using the cache")]
    private static partial void LogUnavailable(ILogger logger, string rrrMemberId, RrrUnavailableReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not cache the wallet of {RrrMemberId} ({ErrorClass})")]
    private static partial void LogCacheWriteFailed(ILogger logger, string rrrMemberId, string errorClass);
}
