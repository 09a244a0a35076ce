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

        // The same words as the points panel's note for the same event, so a member reads one sentence for it anywhere.
        var amount = points is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p:N0} {(p == 1 ? "point" : "points")}") : "Points";
        return notification.Kind switch
        {
            NotificationKinds.PointsPosted => $"{amount} posted",
            NotificationKinds.PointsPending => $"{amount} pending",
            NotificationKinds.PointsReversed => $"{amount} reversed",
            NotificationKinds.PointsExpired => $"{amount} expired",
            NotificationKinds.PointsExpiring => notification.Values.TryGetValue("expires_at", out var at)
                && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiresAt)
                    ? $"{amount} expire on {TimeText.Date(expiresAt)}"
                    : $"{amount} expire soon",
            NotificationKinds.RedemptionCommitted => $"{amount} redeemed",
            NotificationKinds.RedemptionReversed => $"{amount} released from escrow",
            NotificationKinds.AwardReceived => $"{(string.IsNullOrWhiteSpace(modelName) ? "A model" : modelName)} sent you {amount.ToLowerInvariant()}",
            NotificationKinds.AwardSent => $"You awarded {amount.ToLowerInvariant()}",
            NotificationKinds.AwardReversed => $"Award of {amount.ToLowerInvariant()} reversed by RedRoomRewards",
            NotificationKinds.LinkLinked => "Your RedRoomRewards account is now linked",
            NotificationKinds.LinkRevoked => "Your RedRoomRewards link was revoked",
            NotificationKinds.ApprovalWaiting => $"{Capitalized(RequestNoun(notification))} waits for your approval",
            NotificationKinds.ApprovalDecided => $"Your {RequestNoun(notification, article: false)} was {(Value(notification, "decision") == "approved" ? "approved" : "rejected")}",
            _ => "Something changed in your RedRoomRewards account",
        };
    }

    /// <summary>Where the notification's subject is shown (relative to the base path), or null when it has no page of its own.</summary>
    public static string? Href(Notification notification) => notification?.Kind switch
    {
        NotificationKinds.ApprovalWaiting => "admin/approvals",
        NotificationKinds.ApprovalDecided when Value(notification, "request_kind") == "promotion" && Value(notification, "subject_id") is { Length: > 0 } id
            => "admin/promotions/" + Uri.EscapeDataString(id),
        NotificationKinds.ApprovalDecided => "admin/adjustments",
        _ => null,
    };

    private static string? Value(Notification notification, string name) => notification.Values.TryGetValue(name, out var value) ? value : null;

    private static string RequestNoun(Notification notification, bool article = true) => Value(notification, "request_kind") switch
    {
        "promotion" => article ? "a promotion" : "promotion",
        "adjustment" => article ? "an adjustment request" : "adjustment request",
        _ => article ? "a request" : "request",
    };

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    public static string Icon(Notification notification) => notification?.Kind switch
    {
        NotificationKinds.ApprovalWaiting or NotificationKinds.ApprovalDecided => Icons.Material.Filled.HowToReg,
        NotificationKinds.AwardReceived or NotificationKinds.AwardSent => Icons.Material.Filled.CardGiftcard,
        NotificationKinds.PointsExpiring or NotificationKinds.PointsExpired => Icons.Material.Filled.Schedule,
        NotificationKinds.LinkLinked or NotificationKinds.LinkRevoked => Icons.Material.Filled.Link,
        _ => Icons.Material.Filled.Stars,
    };
}
