namespace Rrr.Persistence.Sqlite;

/// <summary>The RRR call log: one row per attempt, read by trace id or idempotency key.</summary>
public sealed class SqliteRrrCallLog(SqliteDatabase database) : IRrrCallLog
{
    private const string RrrCallColumns =
        "id, started_at, operation, method, path_template, idempotency_key, trace_id, attempt, status_code, error_code, outcome, latency_ms, replayed";

    public async Task RecordAsync(RrrCallRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);

        // A diagnostic row, written once per RRR call: through the store's writer gate (no SQLite busy
        // sleeps against the outbox's writes) and without a disk sync of its own (Durability.Normal).
        await database.WriteAsync(
            Durability.Normal,
            connection => connection.ExecuteAsync(
                null,
                $"""
                INSERT INTO rrr_calls ({RrrCallColumns})
                VALUES (@id, @startedAt, @operation, @method, @pathTemplate, @key, @traceId, @attempt, @status, @errorCode, @outcome, @latencyMs, @replayed)
                ON CONFLICT (id) DO NOTHING;
                """,
                cancellationToken,
                p =>
                {
                    p.AddWithValue("@id", record.Id);
                    p.AddWithValue("@startedAt", record.StartedAt.ToUnixTimeMilliseconds());
                    p.AddWithValue("@operation", record.Operation);
                    p.AddWithValue("@method", record.Method);
                    p.AddWithValue("@pathTemplate", record.PathTemplate);
                    p.AddWithValue("@key", record.IdempotencyKey.OrNull());
                    p.AddWithValue("@traceId", record.TraceId);
                    p.AddWithValue("@attempt", record.Attempt);
                    p.AddWithValue("@status", record.StatusCode.OrNull());
                    p.AddWithValue("@errorCode", record.ErrorCode.OrNull());
                    p.AddWithValue("@outcome", record.Outcome.ToString());
                    p.AddWithValue("@latencyMs", record.LatencyMs);
                    p.AddWithValue("@replayed", record.Replayed ? 1 : 0);
                }),
            cancellationToken);
    }

    public Task<RrrCallPage> QueryAsync(RrrCallQuery query, CancellationToken cancellationToken)
    {
        RrrCallQueryRules.Validate(query);

        var where = new SqliteWhere()
            .AndIfGiven("trace_id = @traceId", "@traceId", query.TraceId)
            .AndIfGiven("idempotency_key = @key", "@key", query.IdempotencyKey);
        return database.CountAndReadAsync(
            RrrCallColumns, "rrr_calls", where, "started_at DESC, attempt DESC, id DESC", query.Skip, query.Take, ReadCall,
            (items, total) => new RrrCallPage(items, total), cancellationToken);
    }

    private static RrrCallRecord ReadCall(SqliteDataReader reader) => new(
        Id: reader.GetString(0),
        StartedAt: reader.GetTime(1),
        Operation: reader.GetString(2),
        Method: reader.GetString(3),
        PathTemplate: reader.GetString(4),
        IdempotencyKey: reader.GetStringOrNull(5),
        TraceId: reader.GetString(6),
        Attempt: reader.GetInt32(7),
        StatusCode: reader.IsDBNull(8) ? null : reader.GetInt32(8),
        ErrorCode: reader.GetStringOrNull(9),
        Outcome: Enum.Parse<RrrCallOutcome>(reader.GetString(10)),
        LatencyMs: reader.GetInt64(11),
        Replayed: reader.GetInt64(12) != 0);

    internal static SqliteSchema Schema { get; } = new("""
        CREATE TABLE IF NOT EXISTS rrr_calls (
            id              TEXT NOT NULL PRIMARY KEY,
            started_at      INTEGER NOT NULL,
            operation       TEXT NOT NULL,
            method          TEXT NOT NULL,
            path_template   TEXT NOT NULL,
            idempotency_key TEXT NULL,
            trace_id        TEXT NOT NULL,
            attempt         INTEGER NOT NULL,
            status_code     INTEGER NULL,
            error_code      TEXT NULL,
            outcome         TEXT NOT NULL,
            latency_ms      INTEGER NOT NULL,
            replayed        INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_rrr_calls_started_at ON rrr_calls (started_at);
        CREATE INDEX IF NOT EXISTS ix_rrr_calls_trace_started_at ON rrr_calls (trace_id, started_at);
        CREATE INDEX IF NOT EXISTS ix_rrr_calls_key_started_at ON rrr_calls (idempotency_key, started_at);
        """);
}
