namespace Rrr.Persistence.Mongo;

// The stored shape is owned here, apart from the Core record (names: MongoConventions). The values are a
// subdocument of strings keyed by the kind's value names, so an operator reads them as they are.
[OmitNullFields]
internal sealed class NotificationDocument
{
    /// <summary>The notification's id, derived from the fact it reports, so the same fact stored twice hits _id.</summary>
    public string Id { get; set; } = "";

    /// <summary>The recipient's key (<c>rrr:…</c>, <c>xcn:…</c>, <c>admin:…</c>).</summary>
    public string Recipient { get; set; } = "";

    public string Kind { get; set; } = "";

    public Dictionary<string, string> Values { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    /// <summary>Absent while unread.</summary>
    public DateTime? ReadAt { get; set; }

    public static NotificationDocument From(Notification notification) => new()
    {
        Id = notification.Id,
        Recipient = notification.Recipient.Key,
        Kind = notification.Kind,
        Values = new Dictionary<string, string>(notification.Values, StringComparer.Ordinal),
        CreatedAt = BsonTime.From(notification.CreatedAt),
        ReadAt = notification.ReadAt is { } readAt ? BsonTime.From(readAt) : null,
    };

    public Notification ToNotification() =>
        new(Id, new NotificationRecipient(Recipient), Kind, Values, BsonTime.Utc(CreatedAt), BsonTime.Utc(ReadAt));
}
