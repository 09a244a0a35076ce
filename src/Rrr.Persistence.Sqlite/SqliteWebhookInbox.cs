namespace Rrr.Persistence.Sqlite;

/// <summary>
/// The webhook inbox. SQLite serialises writers, so a claim is one atomic UPDATE. Only the insert (the promise
/// behind the 2xx) pays a disk sync; the processor's writes use <see cref="Durability.Normal"/>.
/// </summary>
public sealed class SqliteWebhookInbox(SqliteDatabase database) : IWebhookInbox
{
    private const string InboxColumns =
        "event_id, type, received_at, payload, status, attempts, outcome, last_error, processed_at, claimed_by, lease_until";

    public async Task<InboxAddResult> TryAddAsync(InboxEvent inboxEvent, CancellationToken cancellationToken) =>
        (await TryAddManyAsync([inboxEvent], cancellationToken))[0];

    public Task<IReadOnlyList<InboxAddResult>> TryAddManyAsync(IReadOnlyList<InboxEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);

        // The promise behind the 2xx: the ordinary (synchronous = FULL) connection.
        return database.WriteEachAsync(
            Durability.Full,
            """
            INSERT INTO webhook_inbox (event_id, type, received_at, payload, status, attempts, next_attempt_at)
            VALUES (@id, @type, @receivedAt, @payload, 'pending', 0, @receivedAt)
            ON CONFLICT (event_id) DO NOTHING;
            """,
            events,
            (p, inboxEvent) =>
            {
                ArgumentNullException.ThrowIfNull(inboxEvent);
                p.AddWithValue("@id", inboxEvent.EventId);
                p.AddWithValue("@type", inboxEvent.Type);
                p.AddWithValue("@receivedAt", inboxEvent.ReceivedAt.ToUnixTimeMilliseconds());
                p.AddWithValue("@payload", inboxEvent.Payload);
            },
            changed => changed == 1 ? InboxAddResult.Added : InboxAddResult.Duplicate,
            cancellationToken);
    }

    public async Task<IReadOnlyList<ClaimedInboxEvent>> ClaimAsync(
        string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        // The processor works oldest first.
        return await database.ClaimAsync(
            """
            UPDATE webhook_inbox
            SET claimed_by = @owner, lease_until = @leaseUntil, attempts = attempts + 1
            WHERE event_id IN (
                SELECT event_id FROM webhook_inbox
                WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
                ORDER BY received_at, event_id
                LIMIT @max)
            RETURNING event_id, type, received_at, payload, attempts;
            """,
            owner,
            max,
            now,
            leaseUntil,
            reader => new ClaimedInboxEvent(ReadEvent(reader), reader.GetInt32(4)),
            (a, b) =>
            {
                var byTime = a.Event.ReceivedAt.CompareTo(b.Event.ReceivedAt);
                return byTime != 0 ? byTime : string.CompareOrdinal(a.Event.EventId, b.Event.EventId);
            },
            cancellationToken);
    }

    public async Task<bool> MarkProcessedAsync(
        string eventId, string owner, InboxOutcome outcome, DateTimeOffset processedAt, CancellationToken cancellationToken) =>
        (await MarkProcessedManyAsync(owner, [new InboxCompletion(eventId, outcome)], processedAt, cancellationToken))[0];

    public Task<IReadOnlyList<bool>> MarkProcessedManyAsync(
        string owner, IReadOnlyList<InboxCompletion> completions, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        return database.WriteEachAsync(
            Durability.Normal,
            """
            UPDATE webhook_inbox
            SET status = 'processed', outcome = @outcome, processed_at = @processedAt, claimed_by = NULL, lease_until = NULL
            WHERE event_id = @id AND claimed_by = @owner AND status = 'pending';
            """,
            completions,
            (p, completion) =>
            {
                p.AddWithValue("@id", completion.EventId);
                p.AddWithValue("@outcome", InboxCodes.OutcomeText(completion.Outcome));
                p.AddWithValue("@owner", owner);
                p.AddWithValue("@processedAt", processedAt.ToUnixTimeMilliseconds());
            },
            changed => changed == 1,
            cancellationToken);
    }

    public async Task<bool> MarkFailedAsync(
        string eventId, string owner, string errorClass, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        await database.WriteAsync(Durability.Normal, connection => connection.ExecuteAsync(
            null,
            """
            UPDATE webhook_inbox
            SET status = CASE WHEN @retryAt IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = COALESCE(@retryAt, next_attempt_at),
                last_error = @error, claimed_by = NULL, lease_until = NULL
            WHERE event_id = @id AND claimed_by = @owner AND status = 'pending';
            """,
            cancellationToken,
            p =>
            {
                p.AddWithValue("@id", eventId);
                p.AddWithValue("@owner", owner);
                p.AddWithValue("@error", errorClass);
                p.AddWithValue("@retryAt", retryAt is { } at ? at.ToUnixTimeMilliseconds() : DBNull.Value);
            }), cancellationToken) == 1;

    public async Task<InboxRecord?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        return await database.QueryFirstAsync(
            $"SELECT {InboxColumns} FROM webhook_inbox WHERE event_id = @id;",
            p => p.AddWithValue("@id", eventId),
            reader => new InboxRecord(
                ReadEvent(reader),
                InboxCodes.ParseStatus(reader.GetString(4)),
                reader.GetInt32(5),
                reader.IsDBNull(6) ? null : InboxCodes.ParseOutcome(reader.GetString(6)),
                reader.GetStringOrNull(7),
                reader.GetTimeOrNull(8),
                reader.GetStringOrNull(9),
                reader.GetTimeOrNull(10)),
            cancellationToken);
    }

    public Task<long> CountAsync(InboxStatus? status, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            await using var command = connection.Command(null, status is null
                ? "SELECT COUNT(*) FROM webhook_inbox;"
                : "SELECT COUNT(*) FROM webhook_inbox WHERE status = @status;");
            if (status is { } value)
            {
                command.Parameters.AddWithValue("@status", InboxCodes.StatusText(value));
            }

            return await command.ScalarInt64Async(cancellationToken);
        }, cancellationToken);

    public Task<DateTimeOffset?> OldestPendingReceivedAtAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            // ix_webhook_inbox_due starts with status, so only the waiting rows are read.
            await using var command = connection.Command(null, "SELECT MIN(received_at) FROM webhook_inbox WHERE status = @status;");
            command.Parameters.AddWithValue("@status", InboxCodes.StatusText(InboxStatus.Pending));
            return await command.ExecuteScalarAsync(cancellationToken) is long oldest ? SqliteCommands.FromUnixMs(oldest) : (DateTimeOffset?)null;
        }, cancellationToken);

    public Task<long> PurgeAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken) =>
        database.PurgeAsync("webhook_inbox", "received_at", receivedBefore, cancellationToken);

    private static InboxEvent ReadEvent(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetTime(2), reader.GetString(3));

    internal static SqliteSchema Schema { get; } = new("""
        CREATE TABLE IF NOT EXISTS webhook_inbox (
            event_id        TEXT NOT NULL PRIMARY KEY,
            type            TEXT NOT NULL,
            received_at     INTEGER NOT NULL,
            payload         TEXT NOT NULL,
            status          TEXT NOT NULL,
            attempts        INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            claimed_by      TEXT NULL,
            lease_until     INTEGER NULL,
            outcome         TEXT NULL,
            last_error      TEXT NULL,
            processed_at    INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS ix_webhook_inbox_due ON webhook_inbox (status, next_attempt_at, received_at);
        CREATE INDEX IF NOT EXISTS ix_webhook_inbox_received_at ON webhook_inbox (received_at);
        """);
}
