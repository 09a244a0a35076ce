namespace Rrr.Core.Rrr.Wallet;

/// <summary>RRR's word on a member's points at <see cref="AsOf"/>; <see cref="Version"/> rises with every ledger change.</summary>
/// <param name="Tier">The member's tier code when RRR has one (e.g. <c>PREMIUM</c>), else null. Last: snapshots stored
/// before tiers have no such property and read as null.</param>
public sealed record MemberWallet(
    string RrrMemberId,
    long AvailablePoints,
    long PendingPoints,
    long EscrowPoints,
    IReadOnlyList<ExpiringPoints> ExpiringSoon,
    DateTimeOffset AsOf,
    long Version,
    string? Tier = null);

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
