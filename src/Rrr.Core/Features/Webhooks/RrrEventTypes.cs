namespace Rrr.Core.Features.Webhooks;

/// <summary>The event types of the RRR contract (docs/rrr-wire.md, Webhooks).</summary>
public static class RrrEventTypes
{
    public const string PointsPosted = "POINTS_POSTED";
    public const string PointsReversed = "POINTS_REVERSED";
    public const string RedemptionCommitted = "REDEMPTION_COMMITTED";
    public const string RedemptionReversed = "REDEMPTION_REVERSED";
    public const string LinkUpdated = "LINK_UPDATED";
    public const string PromotionStatusChanged = "PROMOTION_STATUS_CHANGED";
    public const string AdjustmentStatusChanged = "ADJUSTMENT_STATUS_CHANGED";
    public const string TransferCompleted = "TRANSFER_COMPLETED";
    public const string TransferReversed = "TRANSFER_REVERSED";

    public static readonly FrozenSet<string> Known = FrozenSet.Create(
        StringComparer.Ordinal,
        PointsPosted, PointsReversed, RedemptionCommitted, RedemptionReversed, LinkUpdated,
        PromotionStatusChanged, AdjustmentStatusChanged, TransferCompleted, TransferReversed);
}
