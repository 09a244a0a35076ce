using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Rrr.Core.Features.Audit;
using Rrr.Core.Persistence;

namespace Rrr.Persistence.Sqlite;

/// <summary>
/// Embedded store: one SQLite file under the data folder, used by development, demos and
/// single-instance installs. Timestamps are unix milliseconds (UTC) so they sort as integers.
/// </summary>
public sealed partial class SqliteStore : IStoreLifecycle, IKeyRingStore, IAuditStore, IDisposable
{
    // Each statement is idempotent, so InitializeAsync can run on every start-up. The audit indexes end in
    // (occurred_at, id), the page order, so a page never needs a sort and an offset or cursor skips along the
    // index alone; the three older (…, occurred_at) indexes they replace are dropped (bench/Rrr.Bench.AuditQueries).
    private const string SchemaSql = """
        CREATE TABLE IF NOT EXISTS data_protection_keys (
            friendly_name TEXT NOT NULL PRIMARY KEY,
            xml           TEXT NOT NULL,
            created_at    INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS audit_events (
            id              TEXT NOT NULL PRIMARY KEY,
            occurred_at     INTEGER NOT NULL,
            actor_id        TEXT NOT NULL,
            kind            TEXT NOT NULL,
            subject_id      TEXT NULL,
            trace_id        TEXT NULL,
            idempotency_key TEXT NULL,
            outcome         TEXT NULL
        );
        DROP INDEX IF EXISTS ix_audit_events_occurred_at;
        DROP INDEX IF EXISTS ix_audit_events_actor_occurred_at;
        DROP INDEX IF EXISTS ix_audit_events_kind_occurred_at;
        CREATE INDEX IF NOT EXISTS ix_audit_events_time_id ON audit_events (occurred_at, id);
        CREATE INDEX IF NOT EXISTS ix_audit_events_actor_time_id ON audit_events (actor_id, occurred_at, id);
        CREATE INDEX IF NOT EXISTS ix_audit_events_kind_time_id ON audit_events (kind, occurred_at, id);
        CREATE INDEX IF NOT EXISTS ix_audit_events_actor_kind_time_id ON audit_events (actor_id, kind, occurred_at, id);
        """;

    private const string AuditColumns =
        "id, occurred_at, actor_id, kind, subject_id, trace_id, idempotency_key, outcome";

    // Writers queue behind each other instead of failing with SQLITE_BUSY when two requests overlap.
    private const int BusyTimeoutMilliseconds = 5000;

    // SQLite has one writer at a time, and a writer that finds the lock taken sleeps in the busy
    // handler (1, 2, 5, 10 … 100 ms steps), which under load turns into long tail latencies. Writers
    // of this store (the webhook inbox and its processor, the earn outbox, approvals …) therefore queue
    // here, in process, and take turns at once; the busy timeout still covers other processes.
    private readonly SemaphoreSlim writeGate = new(1, 1);

    private readonly string dataFolder;
    private readonly string connectionString;

    public SqliteStore(string dataFolder, string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        this.dataFolder = Path.GetFullPath(dataFolder);
        DatabasePath = Path.Combine(this.dataFolder, fileName);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
    }

    public string DatabasePath { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataFolder);
        await using var connection = await OpenAsync(cancellationToken);

        // WAL lets readers (audit screens) run while a writer appends; the mode is stored in the
        // file, so setting it once here covers every later connection.
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = SchemaSql + RrrCallsSchemaSql + WebhookInboxSchemaSql + MemberSnapshotsSchemaSql
                + EarnOutboxSchemaSql + AwardHistorySchemaSql + ApprovalsSchemaSql + CheckoutOrdersSchemaSql + OpenLinkIntentsSchemaSql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await MigrateAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        // Table statistics let the planner tell a selective index (actor + kind) from a broad one (kind) with the same
        // shape; without them it can pick the broad one and read far more rows. optimize re-analyses only tables
        // that changed enough, sampling at most analysis_limit rows per index, so it stays cheap on every start-up.
        await ExecuteAsync(connection, "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;", cancellationToken);
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_events';";
            var tables = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            return tables == 1;
        }
        catch (SqliteException)
        {
            // A readiness probe answers "not ready"; the exception itself surfaces on real calls.
            return false;
        }
    }

    public async Task<IReadOnlyList<StoredKey>> GetAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT friendly_name, xml, created_at FROM data_protection_keys ORDER BY created_at, friendly_name;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<StoredKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new StoredKey(reader.GetString(0), reader.GetString(1), FromUnixMs(reader.GetInt64(2))));
        }

        return keys;
    }

    public async Task SaveAsync(StoredKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO data_protection_keys (friendly_name, xml, created_at)
            VALUES (@name, @xml, @createdAt)
            ON CONFLICT (friendly_name) DO UPDATE SET xml = excluded.xml, created_at = excluded.created_at;
            """;
        command.Parameters.AddWithValue("@name", key.FriendlyName);
        command.Parameters.AddWithValue("@xml", key.Xml);
        command.Parameters.AddWithValue("@createdAt", key.CreatedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // Ids come from the caller, so a retried append of the same event is a no-op, not a duplicate.
        command.CommandText = $"""
            INSERT INTO audit_events ({AuditColumns})
            VALUES (@id, @occurredAt, @actorId, @kind, @subjectId, @traceId, @idempotencyKey, @outcome)
            ON CONFLICT (id) DO NOTHING;
            """;
        command.Parameters.AddWithValue("@id", auditEvent.Id);
        command.Parameters.AddWithValue("@occurredAt", auditEvent.OccurredAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@actorId", auditEvent.ActorId);
        command.Parameters.AddWithValue("@kind", auditEvent.Kind);
        command.Parameters.AddWithValue("@subjectId", (object?)auditEvent.SubjectId ?? DBNull.Value);
        command.Parameters.AddWithValue("@traceId", (object?)auditEvent.TraceId ?? DBNull.Value);
        command.Parameters.AddWithValue("@idempotencyKey", (object?)auditEvent.IdempotencyKey ?? DBNull.Value);
        command.Parameters.AddWithValue("@outcome", (object?)auditEvent.Outcome ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        AuditQueryRules.Validate(query);
        await using var connection = await OpenAsync(cancellationToken);

        // One read transaction, so the total and the page come from the same snapshot.
        await using var transaction = connection.BeginTransaction(deferred: true);

        // The WHERE clause is assembled only from the constant fragments below; every value is a
        // parameter. Leaving out unused filters (rather than "@x IS NULL OR ...") lets SQLite pick
        // the (actor_id, …), (kind, …) or (actor_id, kind, …) index.
        var where = new StringBuilder();
        var parameters = new List<SqliteParameter>();
        if (query.ActorId is not null)
        {
            AppendCondition(where, "actor_id = @actorId");
            parameters.Add(new SqliteParameter("@actorId", query.ActorId));
        }

        if (query.Kind is not null)
        {
            AppendCondition(where, "kind = @kind");
            parameters.Add(new SqliteParameter("@kind", query.Kind));
        }

        if (query.From is { } from)
        {
            AppendCondition(where, "occurred_at >= @from");
            parameters.Add(new SqliteParameter("@from", from.ToUnixTimeMilliseconds()));
        }

        var total = AuditPage.NotCounted;
        if (query.CountTotal)
        {
            var countWhere = new StringBuilder().Append(where);
            var countParameters = parameters.Select(Clone).ToList();
            if (query.To is { } countTo)
            {
                AppendCondition(countWhere, "occurred_at < @to");
                countParameters.Add(new SqliteParameter("@to", countTo.ToUnixTimeMilliseconds()));
            }

            await using var count = connection.CreateCommand();
            count.Transaction = transaction;
            count.CommandText = query.CountUpTo is null
                ? $"SELECT COUNT(*) FROM audit_events{countWhere};"
                : $"SELECT COUNT(*) FROM (SELECT 1 FROM audit_events{countWhere} LIMIT @countLimit);";
            count.Parameters.AddRange(countParameters.ToArray());
            if (query.CountUpTo is { } limit)
            {
                // One past the limit tells "exactly the limit" from "more than it".
                count.Parameters.AddWithValue("@countLimit", limit + 1L);
            }

            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        var lowerBound = query.CountUpTo is { } cap && total > cap;
        if (lowerBound)
        {
            total = query.CountUpTo!.Value;
        }

        // A page has one upper bound on occurred_at, so SQLite seeks the index to it: the cursor's time when it lies
        // inside the range (with the id breaking ties at that instant), else the range's end. Given two upper
        // bounds, SQLite seeks by one and filters by the other, and a cursor page would re-read every newer row.
        if (query.Before is { } before && (query.To is null || before.OccurredAt < query.To))
        {
            AppendCondition(where, "occurred_at <= @beforeAt AND (occurred_at < @beforeAt OR id < @beforeId)");
            parameters.Add(new SqliteParameter("@beforeAt", before.OccurredAt.ToUnixTimeMilliseconds()));
            parameters.Add(new SqliteParameter("@beforeId", before.Id));
        }
        else if (query.To is { } to)
        {
            AppendCondition(where, "occurred_at < @to");
            parameters.Add(new SqliteParameter("@to", to.ToUnixTimeMilliseconds()));
        }

        var items = new List<AuditEvent>();
        await using (var page = connection.CreateCommand())
        {
            page.Transaction = transaction;

            // id breaks ties between events of the same millisecond, so paging never skips or repeats one.
            page.CommandText =
                $"SELECT {AuditColumns} FROM audit_events{where} ORDER BY occurred_at DESC, id DESC LIMIT @take OFFSET @skip;";
            page.Parameters.AddRange(parameters.Select(Clone).ToArray());
            page.Parameters.AddWithValue("@take", query.Take);
            page.Parameters.AddWithValue("@skip", query.Skip);
            await using var reader = await page.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new AuditEvent(
                    Id: reader.GetString(0),
                    OccurredAt: FromUnixMs(reader.GetInt64(1)),
                    ActorId: reader.GetString(2),
                    Kind: reader.GetString(3),
                    SubjectId: reader.IsDBNull(4) ? null : reader.GetString(4),
                    TraceId: reader.IsDBNull(5) ? null : reader.GetString(5),
                    IdempotencyKey: reader.IsDBNull(6) ? null : reader.GetString(6),
                    Outcome: reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new AuditPage(items, total, lowerBound);
    }

    /// <summary>
    /// Drops this file's pooled connections, so the file is released (tests delete it; Windows
    /// refuses to while a pooled handle is open).
    /// </summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
        ClearProcessingPool();
    }

    private static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    private static void AppendCondition(StringBuilder where, string condition) =>
        where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(condition);

    // A parameter belongs to one command, so each of the two commands gets its own copy.
    private static SqliteParameter Clone(SqliteParameter parameter) => new(parameter.ParameterName, parameter.Value);

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(
                connection,
                string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};"),
                cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
