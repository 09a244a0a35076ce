namespace Rrr.Persistence.Sqlite;

/// <summary>
/// Members' notifications, one row per id. The writes take the writer's turn with <see cref="Durability.Normal"/>, as
/// the processors' do: a notification is made from a fact already stored, and WAL keeps commits in order, so a power
/// cut that loses an add loses the processor's mark after it too, and the fact makes it again under the same id; a
/// lost read mark only shows the notification as unread once more.
/// </summary>
public sealed class SqliteNotifications(SqliteDatabase database) : INotificationStore
{
    private const string Table = "notifications";

    private const string Columns = "id, recipient, kind, values_json, created_at, read_at";

    public async Task<bool> AddAsync(Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentException.ThrowIfNullOrEmpty(notification.Id);
        ArgumentNullException.ThrowIfNull(notification.Values);
        return await database.WriteAsync(Durability.Normal, connection => connection.ExecuteAsync(
            null,
            $"""
            INSERT OR IGNORE INTO notifications ({Columns})
            VALUES (@id, @recipient, @kind, @values, @createdAt, @readAt);
            """,
            cancellationToken,
            p =>
            {
                p.AddWithValue("@id", notification.Id);
                p.AddWithValue("@recipient", notification.Recipient.Key);
                p.AddWithValue("@kind", notification.Kind);
                p.AddWithValue("@values", JsonSerializer.Serialize(notification.Values));
                p.AddWithValue("@createdAt", notification.CreatedAt.ToUnixTimeMilliseconds());
                p.AddWithValue("@readAt", (notification.ReadAt?.ToUnixTimeMilliseconds()).OrNull());
            }), cancellationToken) == 1;
    }

    public Task<NotificationPage> ListAsync(
        IReadOnlyList<NotificationRecipient> recipients, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        if (OfAny(recipients) is not { } where)
        {
            return Task.FromResult(new NotificationPage([], 0, false));
        }

        // One read transaction, so the unread count and the page come from the same snapshot. One row past the page
        // tells whether there is more. With a recipient list SQLite seeks ix_notifications_recipient_created_id once
        // per key and sorts what it found: a reader has two keys, and retention bounds their rows.
        return database.SnapshotAsync(async (connection, transaction) =>
        {
            var unread = await connection.CountAsync(transaction, Table, Unread(where.Copy()), null, cancellationToken);
            var rows = await connection.ReadPageAsync(
                transaction, Columns, Table, where, "created_at DESC, id DESC", skip, take + 1, ReadNotification, cancellationToken);
            var hasMore = rows.Count > take;
            return new NotificationPage(hasMore ? rows.GetRange(0, take) : rows, checked((int)unread), hasMore);
        }, cancellationToken);
    }

    public async Task<int> CountUnreadAsync(IReadOnlyList<NotificationRecipient> recipients, CancellationToken cancellationToken)
    {
        if (OfAny(recipients) is not { } where)
        {
            return 0;
        }

        return checked((int)await database.WithConnectionAsync(
            connection => connection.CountAsync(null, Table, Unread(where), null, cancellationToken), cancellationToken));
    }

    public async Task<bool> MarkReadAsync(
        IReadOnlyList<NotificationRecipient> recipients, string id, DateTimeOffset readAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return OfAny(recipients) is { } where
            && await MarkAsync(Unread(where.And("id = @id", ("@id", id))), readAt, cancellationToken) == 1;
    }

    public async Task<int> MarkAllReadAsync(
        IReadOnlyList<NotificationRecipient> recipients, DateTimeOffset readAt, CancellationToken cancellationToken) =>
        OfAny(recipients) is { } where ? await MarkAsync(Unread(where), readAt, cancellationToken) : 0;

    public Task<long> PurgeAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken) =>
        database.PurgeAsync(Table, "created_at", createdBefore, cancellationToken);

    /// <summary>recipient IN (@r0, @r1, …), one parameter per key; null when there is no key, which matches nothing.</summary>
    private static SqliteWhere? OfAny(IReadOnlyList<NotificationRecipient> recipients)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        if (recipients.Count == 0)
        {
            return null;
        }

        var names = recipients.Select((_, i) => "@r" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new SqliteWhere().And(
            $"recipient IN ({string.Join(", ", names)})",
            [.. recipients.Select((recipient, i) => (names[i], (object)recipient.Key))]);
    }

    // read_at IS NULL is the partial index's own condition, so SQLite counts unread rows from that index alone.
    private static SqliteWhere Unread(SqliteWhere where) => where.And("read_at IS NULL");

    private Task<int> MarkAsync(SqliteWhere where, DateTimeOffset readAt, CancellationToken cancellationToken) =>
        database.WriteAsync(Durability.Normal, connection => connection.ExecuteAsync(
            null,
            $"UPDATE notifications SET read_at = @readAt{where};",
            cancellationToken,
            p =>
            {
                where.Bind(p);
                p.AddWithValue("@readAt", readAt.ToUnixTimeMilliseconds());
            }), cancellationToken);

    private static Notification ReadNotification(SqliteDataReader reader) => new(
        Id: reader.GetString(0),
        Recipient: new NotificationRecipient(reader.GetString(1)),
        Kind: reader.GetString(2),
        Values: JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3))
            ?? throw new InvalidOperationException("A notification's values_json is null."),
        CreatedAt: reader.GetTime(4),
        ReadAt: reader.GetTimeOrNull(5));

    // The list's index ends in its whole sort, so each recipient's rows come out of it newest first; the unread index
    // holds only unread rows (a partial index), so the bell's count reads those alone; the created_at index serves
    // the purge.
    internal static SqliteSchema Schema { get; } = new("""
        CREATE TABLE IF NOT EXISTS notifications (
            id          TEXT NOT NULL PRIMARY KEY,
            recipient   TEXT NOT NULL,
            kind        TEXT NOT NULL,
            values_json TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            read_at     INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS ix_notifications_recipient_created_id ON notifications (recipient, created_at, id);
        CREATE INDEX IF NOT EXISTS ix_notifications_unread ON notifications (recipient) WHERE read_at IS NULL;
        CREATE INDEX IF NOT EXISTS ix_notifications_created_at ON notifications (created_at);
        """);
}
