namespace Rrr.Portal.Features.Wallet;

/// <summary>The history's words for RRR's entry types and the portal's kinds, in one place for the table and the filter.</summary>
public static class HistoryText
{
    public static string TypeLabel(LedgerEntryType type) => type switch
    {
        LedgerEntryType.Earn => "Points earned",
        LedgerEntryType.EarnReversal => "Earn reversed",
        LedgerEntryType.RedemptionHold => "Held for checkout",
        LedgerEntryType.RedemptionRelease => "Released from escrow",
        LedgerEntryType.RedemptionCommit => "Redeemed",
        LedgerEntryType.Topup => "Top-up",
        LedgerEntryType.AwardDebit => "Award sent",
        LedgerEntryType.AwardCredit => "Award received",
        LedgerEntryType.Adjustment => "Adjustment",
        LedgerEntryType.Expiry => "Expired",
        _ => type.ToString(),
    };

    public static string KindLabel(HistoryKind kind) => kind switch
    {
        HistoryKind.Earned => "Earned",
        HistoryKind.TopUps => "Top-ups",
        HistoryKind.Redeemed => "Checkout (held, released, redeemed)",
        HistoryKind.Awards => "Awards",
        HistoryKind.Adjustments => "Adjustments",
        HistoryKind.Reversals => "Reversals and expired",
        _ => kind.ToString(),
    };
}
