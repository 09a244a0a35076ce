namespace Rrr.Core.Rrr.Wallet;

/// <summary>RRR's word on a member's points at <see cref="AsOf"/>; <see cref="Version"/> rises with every ledger change.</summary>
public sealed record MemberWallet(
    string RrrMemberId,
    long AvailablePoints,
    long PendingPoints,
    long EscrowPoints,
    IReadOnlyList<ExpiringPoints> ExpiringSoon,
    DateTimeOffset AsOf,
    long Version);

public sealed record ExpiringPoints(long Points, DateTimeOffset ExpiresAt);

public enum LedgerEntryType
{
    Earn,
    EarnReversal,
    RedemptionHold,
    RedemptionRelease,
    RedemptionCommit,
    Topup,
    AwardDebit,
    AwardCredit,
    Adjustment,
    Expiry,
}

public enum LedgerEntryStatus
{
    Posted,
    Pending,
}

/// <param name="Points">Signed: credits positive, debits negative.</param>
public sealed record LedgerEntry(
    string EntryId,
    LedgerEntryType Type,
    long Points,
    LedgerEntryStatus Status,
    DateTimeOffset CreatedAt,
    string? Reference,
    string? TraceId);

/// <param name="NextCursor">Null on the last page.</param>
public sealed record LedgerPage(IReadOnlyList<LedgerEntry> Items, string? NextCursor);
