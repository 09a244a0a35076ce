using System.Globalization;
using Microsoft.Data.Sqlite;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Persistence.Sqlite;

/// <summary>The webhook inbox and resource versions. SQLite serialises writers, so a claim is one atomic UPDATE.</summary>
public sealed partial class SqliteStore : IWebhookInbox, IResourceVersions
{
    private const string WebhookInboxSchemaSql = """
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
        CREATE TABLE IF NOT EXISTS resource_versions (
            resource_type TEXT NOT NULL,
            resource_id   TEXT NOT NULL,
            version       INTEGER NOT NULL,
            event_id      TEXT NOT NULL,
            event_type    TEXT NOT NULL,
            data          TEXT NOT NULL,
            applied_at    INTEGER NOT NULL,
            PRIMARY KEY (resource_type, resource_id)
        );
        """;

    private string? processingConnectionString;

    private const string InboxColumns =
        "event_id, type, received_at, payload, status, attempts, outcome, last_error, processed_at, claimed_by, lease_until";

    public async Task<InboxAddResult> TryAddAsync(InboxEvent inboxEvent, CancellationToken cancellationToken) =>
        (await TryAddManyAsync([inboxEvent], cancellationToken))[0];

    public async Task<IReadOnlyList<InboxAddResult>> TryAddManyAsync(IReadOnlyList<InboxEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var results = new InboxAddResult[events.Count];
        if (events.Count == 0)
        {
            return results;
        }

        await writeGate.WaitAsync(cancellationToken);
        using var release = new GateRelease(writeGate);
        await using var connection = await OpenAsync(cancellationToken);

        // One transaction, so a batch costs one commit (one WAL sync) however many events it holds.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO webhook_inbox (event_id, type, received_at, payload, status, attempts, next_attempt_at)
            VALUES (@id, @type, @receivedAt, @payload, 'pending', 0, @receivedAt)
            ON CONFLICT (event_id) DO NOTHING;
            """;
        var id = command.Parameters.Add("@id", SqliteType.Text);
        var type = command.Parameters.Add("@type", SqliteType.Text);
        var receivedAt = command.Parameters.Add("@receivedAt", SqliteType.Integer);
        var payload = command.Parameters.Add("@payload", SqliteType.Text);
        for (var i = 0; i < events.Count; i++)
        {
            var inboxEvent = events[i];
            ArgumentNullException.ThrowIfNull(inboxEvent);
            id.Value = inboxEvent.EventId;
            type.Value = inboxEvent.Type;
            receivedAt.Value = inboxEvent.ReceivedAt.ToUnixTimeMilliseconds();
            payload.Value = inboxEvent.Payload;
            results[i] = await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? InboxAddResult.Added : InboxAddResult.Duplicate;
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    public async Task<IReadOnlyList<ClaimedInboxEvent>> ClaimAsync(
        string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await writeGate.WaitAsync(cancellationToken);
        using var release = new GateRelease(writeGate);
        await using var connection = await OpenProcessingAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // A single statement: SQLite runs it under the write lock, so two instances never lease the same row.
        command.CommandText = """
            UPDATE webhook_inbox
            SET claimed_by = @owner, lease_until = @leaseUntil, attempts = attempts + 1
            WHERE event_id IN (
                SELECT event_id FROM webhook_inbox
                WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
                ORDER BY received_at, event_id
                LIMIT @max)
            RETURNING event_id, type, received_at, payload, attempts;
            """;
        command.Parameters.AddWithValue("@owner", owner);
        command.Parameters.AddWithValue("@leaseUntil", leaseUntil.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@max", max);
        var claimed = new List<ClaimedInboxEvent>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new ClaimedInboxEvent(
                    new InboxEvent(reader.GetString(0), reader.GetString(1), FromUnixMs(reader.GetInt64(2)), reader.GetString(3)),
                    reader.GetInt32(4)));
            }
        }

        // RETURNING gives no order guarantee; the processor works oldest first.
        claimed.Sort((a, b) =>
        {
            var byTime = a.Event.ReceivedAt.CompareTo(b.Event.ReceivedAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Event.EventId, b.Event.EventId);
        });
        return claimed;
    }

    public async Task<bool> MarkProcessedAsync(
        string eventId, string owner, InboxOutcome outcome, DateTimeOffset processedAt, CancellationToken cancellationToken) =>
        (await MarkProcessedManyAsync(owner, [new InboxCompletion(eventId, outcome)], processedAt, cancellationToken))[0];

    public async Task<IReadOnlyList<bool>> MarkProcessedManyAsync(
        string owner, IReadOnlyList<InboxCompletion> completions, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        var results = new bool[completions.Count];
        if (completions.Count == 0)
        {
            return results;
        }

        await writeGate.WaitAsync(cancellationToken);
        using var release = new GateRelease(writeGate);
        await using var connection = await OpenProcessingAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE webhook_inbox
            SET status = 'processed', outcome = @outcome, processed_at = @processedAt, claimed_by = NULL, lease_until = NULL
            WHERE event_id = @id AND claimed_by = @owner AND status = 'pending';
            """;
        var id = command.Parameters.Add("@id", SqliteType.Text);
        var outcome = command.Parameters.Add("@outcome", SqliteType.Text);
        command.Parameters.AddWithValue("@owner", owner);
        command.Parameters.AddWithValue("@processedAt", processedAt.ToUnixTimeMilliseconds());
        for (var i = 0; i < completions.Count; i++)
        {
            id.Value = completions[i].EventId;
            outcome.Value = InboxCodes.OutcomeText(completions[i].Outcome);
            results[i] = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    public async Task<bool> MarkFailedAsync(
        string eventId, string owner, string errorClass, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        using var release = new GateRelease(writeGate);
        await using var connection = await OpenProcessingAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE webhook_inbox
            SET status = CASE WHEN @retryAt IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = COALESCE(@retryAt, next_attempt_at),
                last_error = @error, claimed_by = NULL, lease_until = NULL
            WHERE event_id = @id AND claimed_by = @owner AND status = 'pending';
            """;
        command.Parameters.AddWithValue("@id", eventId);
        command.Parameters.AddWithValue("@owner", owner);
        command.Parameters.AddWithValue("@error", errorClass);
        command.Parameters.AddWithValue("@retryAt", retryAt is { } at ? at.ToUnixTimeMilliseconds() : DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<InboxRecord?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {InboxColumns} FROM webhook_inbox WHERE event_id = @id;";
        command.Parameters.AddWithValue("@id", eventId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new InboxRecord(
            new InboxEvent(reader.GetString(0), reader.GetString(1), FromUnixMs(reader.GetInt64(2)), reader.GetString(3)),
            InboxCodes.ParseStatus(reader.GetString(4)),
            reader.GetInt32(5),
            reader.IsDBNull(6) ? null : InboxCodes.ParseOutcome(reader.GetString(6)),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : FromUnixMs(reader.GetInt64(8)),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : FromUnixMs(reader.GetInt64(10)));
    }

    public async Task<long> CountAsync(InboxStatus? status, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = status is null
            ? "SELECT COUNT(*) FROM webhook_inbox;"
            : "SELECT COUNT(*) FROM webhook_inbox WHERE status = @status;";
        if (status is { } value)
        {
            command.Parameters.AddWithValue("@status", InboxCodes.StatusText(value));
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<DateTimeOffset?> OldestPendingReceivedAtAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // ix_webhook_inbox_due starts with status, so only the waiting rows are read.
        command.CommandText = "SELECT MIN(received_at) FROM webhook_inbox WHERE status = @status;";
        command.Parameters.AddWithValue("@status", InboxCodes.StatusText(InboxStatus.Pending));
        return await command.ExecuteScalarAsync(cancellationToken) is long oldest ? FromUnixMs(oldest) : null;
    }

    public async Task<long> PurgeAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        using var release = new GateRelease(writeGate);
        await using var connection = await OpenProcessingAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM webhook_inbox WHERE received_at < @before;";
        command.Parameters.AddWithValue("@before", receivedBefore.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<ResourceApplyResult> TryApplyAsync(ResourceState state, CancellationToken cancellationToken) =>
        (await TryApplyManyAsync([state], cancellationToken))[0];

    public async Task<IReadOnlyList<ResourceApplyResult>> TryApplyManyAsync(IReadOnlyList<ResourceState> states, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(states);
        var results = new ResourceApplyResult[states.Count];
        if (states.Count == 0)
        {
            return results;
        }

        await writeGate.WaitAsync(cancellationToken);
        using var release = new GateRelease(writeGate);
        await using var connection = await OpenProcessingAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;

        // The WHERE on the upsert is the whole rule: only a strictly newer version replaces the row.
        command.CommandText = """
            INSERT INTO resource_versions (resource_type, resource_id, version, event_id, event_type, data, applied_at)
            VALUES (@type, @id, @version, @eventId, @eventType, @data, @appliedAt)
            ON CONFLICT (resource_type, resource_id) DO UPDATE SET
                version = excluded.version, event_id = excluded.event_id, event_type = excluded.event_type,
                data = excluded.data, applied_at = excluded.applied_at
            WHERE excluded.version > resource_versions.version;
            """;
        var type = command.Parameters.Add("@type", SqliteType.Text);
        var id = command.Parameters.Add("@id", SqliteType.Text);
        var version = command.Parameters.Add("@version", SqliteType.Integer);
        var eventId = command.Parameters.Add("@eventId", SqliteType.Text);
        var eventType = command.Parameters.Add("@eventType", SqliteType.Text);
        var data = command.Parameters.Add("@data", SqliteType.Text);
        var appliedAt = command.Parameters.Add("@appliedAt", SqliteType.Integer);
        for (var i = 0; i < states.Count; i++)
        {
            var state = states[i];
            ArgumentNullException.ThrowIfNull(state);
            type.Value = state.ResourceType;
            id.Value = state.ResourceId;
            version.Value = state.Version;
            eventId.Value = state.EventId;
            eventType.Value = state.EventType;
            data.Value = state.Data;
            appliedAt.Value = state.AppliedAt.ToUnixTimeMilliseconds();
            results[i] = await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? ResourceApplyResult.Applied : ResourceApplyResult.Stale;
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    async Task<ResourceState?> IResourceVersions.GetAsync(string resourceType, string resourceId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT version, event_id, event_type, data, applied_at FROM resource_versions
            WHERE resource_type = @type AND resource_id = @id;
            """;
        command.Parameters.AddWithValue("@type", resourceType);
        command.Parameters.AddWithValue("@id", resourceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ResourceState(resourceType, resourceId, reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), FromUnixMs(reader.GetInt64(4)))
            : null;
    }

    private readonly struct GateRelease(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }

    /// <summary>
    /// A connection for the processor's writes (claims, completions, resource versions, purge) with
    /// <c>synchronous = NORMAL</c>: in WAL mode its commits skip the disk sync. They still survive a
    /// crash of the app; a power loss can roll back the last few, and then the events are simply
    /// processed again, which the version check makes harmless. Only the inbox insert (the promise
    /// behind the 2xx) pays a sync, and a later synced commit carries these frames with it.
    /// </summary>
    private async Task<SqliteConnection> OpenProcessingAsync(CancellationToken cancellationToken)
    {
        // Pools are keyed by connection string: an explicit (default) ForeignKeys = false gives these
        // connections a pool of their own, so the relaxed setting never reaches the store's other writes.
        processingConnectionString ??= new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = false }.ToString();
        var connection = new SqliteConnection(processingConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(
                connection,
                string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;"),
                cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private void ClearProcessingPool()
    {
        if (processingConnectionString is not null)
        {
            using var connection = new SqliteConnection(processingConnectionString);
            SqliteConnection.ClearPool(connection);
        }
    }
}
