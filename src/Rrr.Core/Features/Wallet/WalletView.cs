namespace Rrr.Core.Features.Wallet;

public enum WalletAvailability
{
    /// <summary>RRR answered just now.</summary>
    Live,

    /// <summary>RRR is unavailable; <see cref="WalletView.Wallet"/> is what it last said, at <see cref="WalletView.FetchedAt"/>.</summary>
    Stale,

    /// <summary>RRR is unavailable and nothing was cached yet.</summary>
    NoDataYet,

    /// <summary>The member has no linked RRR account, so there is no wallet to show.</summary>
    NotLinked,
}

/// <summary>What the points panel shows: RRR's wallet (live or last known), its age, and the link it came through.</summary>
public sealed record WalletView(
    WalletAvailability Availability,
    MemberWallet? Wallet,
    DateTimeOffset? FetchedAt,
    LinkView Link,
    TimeSpan? RetryAfter = null)
{
    /// <summary>True when RRR could not be asked: the UI says so and retries.</summary>
    public bool RrrUnavailable => Availability is WalletAvailability.Stale or WalletAvailability.NoDataYet || Link.IsStale;

    /// <summary>Expiring lots, soonest first (RRR sends them so; sorted again so the UI never depends on it).</summary>
    public IReadOnlyList<ExpiringPoints> ExpiringSoon =>
        Wallet is null ? [] : [.. Wallet.ExpiringSoon.OrderBy(e => e.ExpiresAt)];
}

/// <summary>Whether a history page is the member's ledger, or why there is none to show.</summary>
public enum HistoryStanding
{
    /// <summary>The member's RRR ledger (possibly empty).</summary>
    Ledger,

    /// <summary>The member has no linked RRR account, so there is no ledger.</summary>
    NotLinked,

    /// <summary>RRR was unreachable before the link was ever known: nothing can be said.</summary>
    LinkUnknown,
}

/// <summary>One page of the member's ledger, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record TransactionsPage(IReadOnlyList<LedgerEntry> Items, string? NextCursor, HistoryStanding Standing = HistoryStanding.Ledger)
{
    public static readonly TransactionsPage NotLinked = new([], null, HistoryStanding.NotLinked);

    public static readonly TransactionsPage LinkUnknown = new([], null, HistoryStanding.LinkUnknown);
}
