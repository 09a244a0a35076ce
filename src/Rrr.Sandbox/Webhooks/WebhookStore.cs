namespace Rrr.Sandbox.Webhooks;

/// <summary>An event waiting for (or owed) an attempt; <see cref="Attempt"/> is the number this one will carry.</summary>
internal sealed record DueEvent(string EventId, string Type, string Body, int Attempt, DateTimeOffset EnqueuedAt);

/// <summary>
/// The outbox and the delivery log in the sandbox database. Times are unix milliseconds of real time,
/// except <c>created_at</c>, which is the event's own (sandbox clock) timestamp as sent in the body.
/// An event in PENDING or RETRYING with no next attempt is in flight.
/// </summary>
internal sealed class WebhookStore(SandboxDatabase database)
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS webhook_events (
            seq                INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id           TEXT    NOT NULL UNIQUE,
            type               TEXT    NOT NULL,
            created_at         TEXT    NOT NULL,
            enqueued_at_ms     INTEGER NOT NULL,
            body               TEXT    NOT NULL,
            state              TEXT    NOT NULL,
            attempts           INTEGER NOT NULL DEFAULT 0,
            last_status        INTEGER NULL,
            last_error         TEXT    NULL,
            next_attempt_at_ms INTEGER NULL,
            resend_requested   INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS ix_webhook_events_due ON webhook_events (next_attempt_at_ms, seq);
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            id                 INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id           TEXT    NOT NULL,
            attempt_no         INTEGER NOT NULL,
            attempted_at_ms    INTEGER NOT NULL,
            response_status    INTEGER NULL,
            error              TEXT    NULL,
            duration_ms        INTEGER NOT NULL,
            next_attempt_at_ms INTEGER NULL,
            state              TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_webhook_deliveries_event ON webhook_deliveries (event_id, attempt_no);
        """;

    private readonly Lazy<Task> _schema = new(() => database.EnsureSchemaAsync(Schema, CancellationToken.None));

    public Task EnsureSchemaAsync() => _schema.Value;

    /// <summary>Inserts a PENDING event, due now, inside the caller's transaction (the outbox write).</summary>
    public static async Task InsertAsync(
        SqliteTransaction transaction, string eventId, string type, string createdAt, DateTimeOffset enqueuedAt, string body, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO webhook_events (event_id, type, created_at, enqueued_at_ms, body, state, next_attempt_at_ms)
            VALUES ($id, $type, $created, $enqueued, $body, 'PENDING', $enqueued);
            """;
        command.Parameters.AddWithValue("$id", eventId);
        command.Parameters.AddWithValue("$type", type);
        command.Parameters.AddWithValue("$created", createdAt);
        command.Parameters.AddWithValue("$enqueued", enqueuedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$body", body);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A connection to the sandbox database with the webhook tables in place.</summary>
    public Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    /// <summary>After a crash, events that were in flight are owed an attempt.</summary>
    public async Task RecoverInFlightAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE webhook_events SET next_attempt_at_ms = $now
            WHERE state IN ('PENDING', 'RETRYING') AND next_attempt_at_ms IS NULL;
            """;
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes the due events, oldest first, and marks them in flight.</summary>
    public Task<IReadOnlyList<DueEvent>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        database.GatedAsync(() => ClaimDueGatedAsync(now, limit, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<DueEvent>> ClaimDueGatedAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        List<DueEvent> due;
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = """
                SELECT event_id, type, body, attempts, enqueued_at_ms FROM webhook_events
                WHERE next_attempt_at_ms IS NOT NULL AND next_attempt_at_ms <= $now
                ORDER BY seq LIMIT $limit;
                """;
            select.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            select.Parameters.AddWithValue("$limit", limit);
            due = await select.ReadAllAsync(
                r => new DueEvent(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3) + 1, DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4))),
                cancellationToken).ConfigureAwait(false);
        }

        foreach (var item in due)
        {
            await using var claim = connection.CreateCommand();
            claim.Transaction = transaction;
            claim.CommandText = """
                UPDATE webhook_events
                SET next_attempt_at_ms = NULL, resend_requested = 0,
                    state = CASE WHEN state IN ('DELIVERED', 'FAILED') THEN 'RETRYING' ELSE state END
                WHERE event_id = $id;
                """;
            claim.Parameters.AddWithValue("$id", item.EventId);
            await claim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return due;
    }

    /// <summary>When the next attempt of any event is due, or null when nothing waits.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(next_attempt_at_ms) FROM webhook_events WHERE next_attempt_at_ms IS NOT NULL;";
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Records an attempt and schedules the event. A re-send asked for while the attempt ran wins over
    /// the computed schedule: the caller was promised a new attempt.
    /// </summary>
    public Task<WebhookAttempt> RecordAttemptAsync(WebhookAttempt outcome, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.GatedAsync(() => RecordAttemptGatedAsync(outcome, now, cancellationToken), cancellationToken);

    private async Task<WebhookAttempt> RecordAttemptGatedAsync(WebhookAttempt outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var check = connection.CreateCommand())
        {
            check.Transaction = transaction;
            check.CommandText = "SELECT resend_requested FROM webhook_events WHERE event_id = $id;";
            check.Parameters.AddWithValue("$id", outcome.EventId);
            var resend = Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (resend == 1)
            {
                outcome = outcome with { State = WebhookStates.Retrying, NextAttemptAt = now };
            }
        }

        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = """
                UPDATE webhook_events
                SET state = $state, attempts = $attempt, last_status = $status, last_error = $error,
                    next_attempt_at_ms = $next
                WHERE event_id = $id;
                INSERT INTO webhook_deliveries
                    (event_id, attempt_no, attempted_at_ms, response_status, error, duration_ms, next_attempt_at_ms, state)
                VALUES ($id, $attempt, $attempted, $status, $error, $duration, $next, $state);
                """;
            update.Parameters.AddWithValue("$id", outcome.EventId);
            update.Parameters.AddWithValue("$attempt", outcome.Attempt);
            update.Parameters.AddWithValue("$attempted", outcome.AttemptedAt.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$status", (object?)outcome.ResponseStatus ?? DBNull.Value);
            update.Parameters.AddWithValue("$error", (object?)outcome.Error ?? DBNull.Value);
            update.Parameters.AddWithValue("$duration", outcome.DurationMs);
            update.Parameters.AddWithValue("$next", (object?)outcome.NextAttemptAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            update.Parameters.AddWithValue("$state", outcome.State);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>Queues an immediate attempt; false when the event does not exist.</summary>
    public async Task<bool> RequestResendAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // In flight (PENDING/RETRYING without a next attempt): only the flag, RecordAttemptAsync reschedules.
        command.CommandText = """
            UPDATE webhook_events
            SET resend_requested = 1,
                next_attempt_at_ms = CASE
                    WHEN state IN ('PENDING', 'RETRYING') AND next_attempt_at_ms IS NULL THEN NULL
                    ELSE $now END
            WHERE event_id = $id;
            """;
        command.Parameters.AddWithValue("$id", eventId);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(int limit, string? eventId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.event_id, e.type, d.attempt_no, d.attempted_at_ms, d.response_status, d.error,
                   d.duration_ms, d.state, d.next_attempt_at_ms
            FROM webhook_deliveries d JOIN webhook_events e ON e.event_id = d.event_id
            WHERE $event IS NULL OR d.event_id = $event
            ORDER BY d.id DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$limit", limit);
        command.Parameters.AddWithValue("$event", (object?)eventId ?? DBNull.Value);
        return await command.ReadAllAsync(
            r => new WebhookAttempt(
                r.GetString(0),
                r.GetString(1),
                r.GetInt32(2),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
                r.IsDBNull(4) ? null : r.GetInt32(4),
                r.IsDBNull(5) ? null : r.GetString(5),
                r.GetInt64(6),
                r.GetString(7),
                r.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8))),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WebhookEventSummary>> ListEventsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT event_id, type, created_at, state, attempts, last_status, last_error, next_attempt_at_ms
            FROM webhook_events ORDER BY seq DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$limit", limit);
        return await command.ReadAllAsync(
            r => new WebhookEventSummary(
                r.GetString(0),
                r.GetString(1),
                r.GetString(2),
                r.GetString(3),
                r.GetInt32(4),
                r.IsDBNull(5) ? null : r.GetInt32(5),
                r.IsDBNull(6) ? null : r.GetString(6),
                r.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7))),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        return await database.OpenAsync(cancellationToken).ConfigureAwait(false);
    }
}
