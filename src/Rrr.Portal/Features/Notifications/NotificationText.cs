namespace Rrr.Portal.Features.Notifications;

/// <summary>
/// The words of a stored notification, made when it is shown (the store keeps codes and opaque ids only).
/// <paramref name="modelName"/> is XCN's display name of the model an award came from, when XCN gives one.
/// </summary>
public static class NotificationText
{
    public static string Describe(Notification notification, string? modelName = null)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var points = notification.Values.TryGetValue("points", out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var n) ? n : (long?)null;
        var amount = points is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p:N0} {(p == 1 ? "point" : "points")}") : "Points";
        return notification.Kind switch
        {
            NotificationKinds.PointsPosted => $"{amount} {(points == 1 ? "is" : "are")} now available",
            NotificationKinds.PointsPending => $"{amount} on the way: pending until the hold period ends",
            NotificationKinds.PointsReversed => $"{amount} {(points == 1 ? "was" : "were")} reversed",
            NotificationKinds.PointsExpired => $"{amount} expired",
            NotificationKinds.PointsExpiring => $"{amount} expire soon",
            NotificationKinds.RedemptionCommitted => $"You redeemed {amount.ToLowerInvariant()} at checkout",
            NotificationKinds.RedemptionReversed => $"{amount} {(points == 1 ? "was" : "were")} released back to you",
            NotificationKinds.AwardReceived => $"{(string.IsNullOrWhiteSpace(modelName) ? "A model" : modelName)} sent you {amount.ToLowerInvariant()}",
            NotificationKinds.AwardSent => $"You awarded {amount.ToLowerInvariant()}",
            NotificationKinds.AwardReversed => $"An award of {amount.ToLowerInvariant()} was reversed by RedRoomRewards",
            NotificationKinds.LinkLinked => "Your RedRoomRewards account is now linked",
            NotificationKinds.LinkRevoked => "Your RedRoomRewards link was revoked",
            _ => "Something changed in your RedRoomRewards account",
        };
    }

    public static string Icon(Notification notification) => notification?.Kind switch
    {
        NotificationKinds.AwardReceived or NotificationKinds.AwardSent => Icons.Material.Filled.CardGiftcard,
        NotificationKinds.PointsExpiring or NotificationKinds.PointsExpired => Icons.Material.Filled.Schedule,
        NotificationKinds.LinkLinked or NotificationKinds.LinkRevoked => Icons.Material.Filled.Link,
        _ => Icons.Material.Filled.Stars,
    };
}
