using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Notifications;

/// <summary>
/// The words of a stored notification, made when it is shown (the store keeps codes and opaque ids only), in the
/// reader's language, numbers and dates in their culture and zone (<see cref="ReaderTime"/>). The points panel's
/// note for an RRR event is the same sentence (<see cref="WalletEventMessages"/> words it through here), so a
/// member reads one sentence for it anywhere.
/// <c>modelName</c> is XCN's display name of the model an award came from, when XCN gives one.
/// </summary>
public static class NotificationText
{
    public static string Describe(Notification notification, IStringLocalizer<NotificationWords> words, ReaderTime time, string? modelName = null)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return Describe(notification.Kind, notification.Values, words, time, modelName);
    }

    /// <summary>The sentence for a notification <paramref name="kind"/> (<see cref="NotificationKinds"/>) and its values.</summary>
    public static string Describe(string kind, IReadOnlyDictionary<string, string> values, IStringLocalizer<NotificationWords> words, ReaderTime time, string? modelName = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(time);
        var points = values.TryGetValue("points", out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var n) ? n : (long?)null;
        string Amount(string key, params object[] more) => Points(words, key, points, more);
        return kind switch
        {
            NotificationKinds.PointsPosted => Amount("Posted"),
            NotificationKinds.PointsPending => Amount("Pending"),
            NotificationKinds.PointsReversed => Amount("Reversed"),
            NotificationKinds.PointsExpired => Amount("Expired"),
            NotificationKinds.PointsExpiring => values.TryGetValue("expires_at", out var at)
                && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiresAt)
                    ? Amount("ExpiringOn", time.Date(expiresAt))
                    : Amount("ExpiringSoon"),
            NotificationKinds.RedemptionCommitted => Amount("Redeemed"),
            NotificationKinds.RedemptionReversed => Amount("Released"),
            NotificationKinds.AwardReceived => Amount("AwardReceived", string.IsNullOrWhiteSpace(modelName) ? words["AModel"].Value : modelName),
            NotificationKinds.AwardSent => Amount("AwardSent"),
            NotificationKinds.AwardReversed => Amount("AwardReversed"),
            NotificationKinds.LinkLinked => words["LinkLinked"].Value,
            NotificationKinds.LinkRevoked => words["LinkRevoked"].Value,
            NotificationKinds.ApprovalWaiting => words["Waiting" + RequestKey(values)].Value,
            NotificationKinds.ApprovalDecided => words[(Value(values, "decision") == "approved" ? "Approved" : "Rejected") + RequestKey(values)].Value,
            _ => words["SomethingChanged"].Value,
        };
    }

    /// <summary>Where the notification's subject is shown (relative to the base path), or null when it has no page of its own.</summary>
    public static string? Href(Notification notification) => notification?.Kind switch
    {
        NotificationKinds.ApprovalWaiting => "admin/approvals",
        NotificationKinds.ApprovalDecided when Value(notification.Values, "request_kind") == "promotion" && Value(notification.Values, "subject_id") is { Length: > 0 } id
            => "admin/promotions/" + Uri.EscapeDataString(id),
        NotificationKinds.ApprovalDecided when Value(notification.Values, "request_id") is { Length: > 0 } requestId
            => Approvals.ApprovalKinds.AdjustmentPage(requestId),
        NotificationKinds.ApprovalDecided => "admin/adjustments",
        _ => null,
    };

    public static string Icon(Notification notification) => notification?.Kind switch
    {
        NotificationKinds.ApprovalWaiting or NotificationKinds.ApprovalDecided => Icons.Material.Filled.HowToReg,
        NotificationKinds.AwardReceived or NotificationKinds.AwardSent => Icons.Material.Filled.CardGiftcard,
        NotificationKinds.PointsExpiring or NotificationKinds.PointsExpired => Icons.Material.Filled.Schedule,
        NotificationKinds.LinkLinked or NotificationKinds.LinkRevoked => Icons.Material.Filled.Link,
        _ => Icons.Material.Filled.Stars,
    };

    // "{0} points posted" and the like: <key>One, <key>Many, or <key>None when RRR sent no figure; {1}... are the extras.
    private static string Points(IStringLocalizer<NotificationWords> words, string key, long? points, object[] more) => points switch
    {
        null => words[key + "None", ["", .. more]].Value,
        1 => words[key + "One", [1.ToString(CultureInfo.CurrentCulture), .. more]].Value,
        { } n => words[key + "Many", [n.ToString("N0", CultureInfo.CurrentCulture), .. more]].Value,
    };

    private static string? Value(IReadOnlyDictionary<string, string> values, string name) => values.TryGetValue(name, out var value) ? value : null;

    private static string RequestKey(IReadOnlyDictionary<string, string> values) => Value(values, "request_kind") switch
    {
        "promotion" => "Promotion",
        "adjustment" => "Adjustment",
        _ => "Request",
    };
}
