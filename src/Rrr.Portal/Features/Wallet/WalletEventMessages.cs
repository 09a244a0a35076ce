using System.Globalization;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Portal.Features.Wallet;

/// <summary>Which RRR events change what the points panel shows, and the short note a member sees for each.</summary>
public static class WalletEventMessages
{
    /// <summary>Events after which the panel asks RRR again.</summary>
    public static bool Refreshes(string type) => type is RrrEventTypes.PointsPosted or RrrEventTypes.PointsReversed
        or RrrEventTypes.RedemptionCommitted or RrrEventTypes.RedemptionReversed or RrrEventTypes.TransferCompleted
        or RrrEventTypes.TransferReversed or RrrEventTypes.LinkUpdated;

    /// <summary>"120 points posted" and the like; null for events that need no note.</summary>
    public static string? Describe(RrrEvent rrrEvent)
    {
        ArgumentNullException.ThrowIfNull(rrrEvent);
        var points = rrrEvent.GetLong("points") is { } n ? Math.Abs(n) : (long?)null;
        var status = rrrEvent.GetString("status");
        return rrrEvent.Type switch
        {
            RrrEventTypes.PointsPosted when status == "PENDING" => Points(points, "pending", "New pending points"),
            RrrEventTypes.PointsPosted => Points(points, "posted", "Points posted"),
            RrrEventTypes.PointsReversed when status == "EXPIRED" => Points(points, "expired", "Points expired"),
            RrrEventTypes.PointsReversed => Points(points, "reversed", "Points reversed"),
            RrrEventTypes.RedemptionCommitted => Points(points, "redeemed", "Redemption completed"),
            RrrEventTypes.RedemptionReversed => Points(points, "released from escrow", "Redemption released"),
            RrrEventTypes.TransferCompleted => Points(points, "transferred", "Points transfer completed"),
            RrrEventTypes.TransferReversed => Points(points, "transfer reversed", "Points transfer reversed"),
            RrrEventTypes.LinkUpdated => status switch
            {
                "LINKED" => "Your RedRoomRewards account is now linked",
                "REVOKED" => "Your RedRoomRewards link was revoked",
                _ => "Your link status changed",
            },
            _ => null,
        };
    }

    private static string Points(long? points, string verb, string fallback) => points is { } n
        ? string.Create(CultureInfo.InvariantCulture, $"{n:N0} {(n == 1 ? "point" : "points")} {verb}")
        : fallback;
}
