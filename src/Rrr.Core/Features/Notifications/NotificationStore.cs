namespace Rrr.Core.Features.Notifications;

/// <summary>
/// Who a notification is for, as an opaque key: <c>rrr:{rrr member id}</c> for what RRR says about a member's
/// points, <c>xcn:{xcn user id}</c> for what concerns an XCN account before or without a link, and
/// <c>admin:{admin id}</c> for approval work. A signed-in member reads the notifications of both of their keys.
/// </summary>
public readonly record struct NotificationRecipient(string Key)
{
    public static NotificationRecipient RrrMember(string rrrMemberId) => new("rrr:" + rrrMemberId);

    public static NotificationRecipient XcnUser(string xcnUserId) => new("xcn:" + xcnUserId);

    public static NotificationRecipient Admin(string adminId) => new("admin:" + adminId);

    public override string ToString() => Key;
}

/// <summary>
/// One stored notification. It holds codes and opaque values only (a kind, points, an expiry date, a counterparty's
/// RRR member id), never a name or an e-mail: the words are made when it is shown, in the reader's language.
/// <see cref="Id"/> derives from the fact it reports (the RRR event id and the recipient, or the reminder's batch),
/// so the same fact stored twice is one notification.
/// </summary>
/// <param name="Kind">What happened, e.g. <c>points_posted</c> (see <see cref="NotificationKinds"/>).</param>
/// <param name="Values">The kind's values by name (points, expires_at as ISO 8601, counterparty_member_id, ...).</param>
public sealed record Notification(
    string Id,
    NotificationRecipient Recipient,
    string Kind,
    IReadOnlyDictionary<string, string> Values,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReadAt = null)
{
    public bool IsRead => ReadAt is not null;
}

/// <summary>One page of a reader's notifications, newest first, and how many of all of them are unread.</summary>
public sealed record NotificationPage(IReadOnlyList<Notification> Items, int Unread, bool HasMore);

/// <summary>The stored notifications (both adapters), kept for a configurable time.</summary>
public interface INotificationStore
{
    /// <summary>Stores it unless one with its id exists; true when it was new.</summary>
    Task<bool> AddAsync(Notification notification, CancellationToken cancellationToken);

    /// <summary>
    /// The newest <paramref name="take"/> notifications of any of <paramref name="recipients"/>, newest first (ties by id,
    /// descending), after skipping <paramref name="skip"/>; with the unread count over all of theirs.
    /// </summary>
    Task<NotificationPage> ListAsync(IReadOnlyList<NotificationRecipient> recipients, int skip, int take, CancellationToken cancellationToken);

    /// <summary>The unread count of any of <paramref name="recipients"/> (the bell).</summary>
    Task<int> CountUnreadAsync(IReadOnlyList<NotificationRecipient> recipients, CancellationToken cancellationToken);

    /// <summary>Marks one read, only if it belongs to one of <paramref name="recipients"/>; true when it changed.</summary>
    Task<bool> MarkReadAsync(IReadOnlyList<NotificationRecipient> recipients, string id, DateTimeOffset readAt, CancellationToken cancellationToken);

    /// <summary>Marks every unread one of <paramref name="recipients"/> read; how many changed.</summary>
    Task<int> MarkAllReadAsync(IReadOnlyList<NotificationRecipient> recipients, DateTimeOffset readAt, CancellationToken cancellationToken);

    /// <summary>Deletes those created before <paramref name="createdBefore"/>; how many went.</summary>
    Task<long> PurgeAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken);
}

/// <summary>The kinds of notification, as stored.</summary>
public static class NotificationKinds
{
    public const string PointsPosted = "points_posted";
    public const string PointsPending = "points_pending";
    public const string PointsReversed = "points_reversed";
    public const string PointsExpired = "points_expired";
    public const string PointsExpiring = "points_expiring";
    public const string RedemptionCommitted = "redemption_committed";
    public const string RedemptionReversed = "redemption_reversed";
    public const string AwardReceived = "award_received";
    public const string AwardSent = "award_sent";
    public const string AwardReversed = "award_reversed";
    public const string LinkLinked = "link_linked";
    public const string LinkRevoked = "link_revoked";
    public const string ApprovalWaiting = "approval_waiting";
    public const string ApprovalDecided = "approval_decided";
}
