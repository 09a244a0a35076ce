namespace Rrr.Persistence.Mongo;

/// <summary>
/// Members' notifications, one document per id (<c>_id</c>). Retention is <see cref="PurgeAsync"/>'s, from the
/// options, not a TTL index; every write is one single- or multi-document update, with no transaction.
/// </summary>
public sealed class MongoNotifications(MongoDatabaseContext context) : INotificationStore
{
    /// <summary>
    /// The list's index ends in its whole sort (created_at, _id descending), so with a list of recipients the server
    /// merges each recipient's run in index order instead of sorting; the unread count reads (recipient, read_at)
    /// alone, read_at being null (absent) while unread; created_at serves the purge.
    /// </summary>
    internal static PortCollection<NotificationDocument> Collection { get; } = new(
        "notifications",
        index =>
        [
            index.Ascending(d => d.Recipient).Descending(d => d.CreatedAt).Descending(d => d.Id).Named("ix_recipient_created_at_id"),
            index.Ascending(d => d.Recipient).Ascending(d => d.ReadAt).Named("ix_recipient_read_at"),
            index.Ascending(d => d.CreatedAt).Named("ix_created_at"),
        ]);

    private static FilterDefinitionBuilder<NotificationDocument> Filter => Builders<NotificationDocument>.Filter;

    private static FilterDefinition<NotificationDocument> Unread => Filter.Eq(d => d.ReadAt, null);

    private IMongoCollection<NotificationDocument> Notifications => Collection.In(context);

    public Task<bool> AddAsync(Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentException.ThrowIfNullOrEmpty(notification.Id);
        ArgumentNullException.ThrowIfNull(notification.Values);
        return InsertOnce.TryAsync(Notifications, NotificationDocument.From(notification), cancellationToken);
    }

    public async Task<NotificationPage> ListAsync(
        IReadOnlyList<NotificationRecipient> recipients, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        if (OfAny(recipients) is not { } where)
        {
            return new NotificationPage([], 0, false);
        }

        // One snapshot for the unread count and the page, as in SQLite; one document past the page tells whether there is more.
        var (unread, documents) = await MongoPage.ReadAsync(
            context,
            Notifications,
            where & Unread,
            null,
            where,
            Builders<NotificationDocument>.Sort.Descending(d => d.CreatedAt).Descending(d => d.Id),
            skip,
            take + 1,
            cancellationToken);
        var hasMore = documents.Count > take;
        return new NotificationPage(
            documents.Take(take).Select(d => d.ToNotification()).ToList(), checked((int)unread), hasMore);
    }

    public async Task<int> CountUnreadAsync(IReadOnlyList<NotificationRecipient> recipients, CancellationToken cancellationToken) =>
        OfAny(recipients) is { } where
            ? checked((int)await Notifications.CountDocumentsAsync(where & Unread, cancellationToken: cancellationToken))
            : 0;

    public async Task<bool> MarkReadAsync(
        IReadOnlyList<NotificationRecipient> recipients, string id, DateTimeOffset readAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (OfAny(recipients) is not { } where)
        {
            return false;
        }

        var result = await Notifications.UpdateOneAsync(Filter.Eq(d => d.Id, id) & where & Unread, Read(readAt), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<int> MarkAllReadAsync(
        IReadOnlyList<NotificationRecipient> recipients, DateTimeOffset readAt, CancellationToken cancellationToken)
    {
        if (OfAny(recipients) is not { } where)
        {
            return 0;
        }

        var result = await Notifications.UpdateManyAsync(where & Unread, Read(readAt), cancellationToken: cancellationToken);
        return checked((int)result.ModifiedCount);
    }

    public async Task<long> PurgeAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken)
    {
        var result = await Notifications.DeleteManyAsync(Filter.Lt(d => d.CreatedAt, BsonTime.From(createdBefore)), cancellationToken);
        return result.DeletedCount;
    }

    /// <summary>recipient $in the keys; null when there is no key, which matches nothing.</summary>
    private static FilterDefinition<NotificationDocument>? OfAny(IReadOnlyList<NotificationRecipient> recipients)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        return recipients.Count == 0 ? null : Filter.In(d => d.Recipient, recipients.Select(r => r.Key).ToArray());
    }

    private static UpdateDefinition<NotificationDocument> Read(DateTimeOffset readAt) =>
        Builders<NotificationDocument>.Update.Set(d => d.ReadAt, BsonTime.From(readAt));
}
