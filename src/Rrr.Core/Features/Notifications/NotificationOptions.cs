namespace Rrr.Core.Features.Notifications;

/// <summary>
/// Section <c>Notifications</c>: how long notifications are kept and how often old ones are purged, and when the
/// expiry reminders run and how far ahead they look.
/// </summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>Notifications older than this are deleted (read or not).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>A batch of points expiring within this is worth a reminder (RRR's wallet lists what expires in its own window).</summary>
    public TimeSpan ExpiryLead { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the reminder job walks the members (daily).</summary>
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The first walk after start-up waits this long, so a restart does not race the host's own start.</summary>
    public TimeSpan ReminderStartDelay { get; set; } = TimeSpan.FromMinutes(1);

    internal bool IsValid =>
        Retention > TimeSpan.Zero && PurgeInterval > TimeSpan.Zero && ExpiryLead > TimeSpan.Zero
        && ReminderInterval > TimeSpan.Zero && ReminderStartDelay >= TimeSpan.Zero;
}
