using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Rrr.Core.Rrr.Http;

namespace Rrr.Persistence.Sqlite;

/// <summary>The RRR call log: one row per attempt, read by trace id or idempotency key.</summary>
public sealed partial class SqliteStore : IRrrCallLog
{
    private const string RrrCallsSchemaSql = """
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
        """;

    private const string RrrCallColumns =
        "id, started_at, operation, method, path_template, idempotency_key, trace_id, attempt, status_code, error_code, outcome, latency_ms, replayed";

    public async Task RecordAsync(RrrCallRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        // A diagnostic row, written once per RRR call: through the store's writer gate (no SQLite busy
        // sleeps against the outbox's writes) and without a disk sync of its own (see OpenProcessingAsync).
        await writeGate.WaitAsync(cancellationToken);
        using var release = new GateRelease(writeGate);
        await using var connection = await OpenProcessingAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO rrr_calls ({RrrCallColumns})
            VALUES (@id, @startedAt, @operation, @method, @pathTemplate, @key, @traceId, @attempt, @status, @errorCode, @outcome, @latencyMs, @replayed)
            ON CONFLICT (id) DO NOTHING;
            """;
        command.Parameters.AddWithValue("@id", record.Id);
        command.Parameters.AddWithValue("@startedAt", record.StartedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@operation", record.Operation);
        command.Parameters.AddWithValue("@method", record.Method);
        command.Parameters.AddWithValue("@pathTemplate", record.PathTemplate);
        command.Parameters.AddWithValue("@key", (object?)record.IdempotencyKey ?? DBNull.Value);
        command.Parameters.AddWithValue("@traceId", record.TraceId);
        command.Parameters.AddWithValue("@attempt", record.Attempt);
        command.Parameters.AddWithValue("@status", (object?)record.StatusCode ?? DBNull.Value);
        command.Parameters.AddWithValue("@errorCode", (object?)record.ErrorCode ?? DBNull.Value);
        command.Parameters.AddWithValue("@outcome", record.Outcome.ToString());
        command.Parameters.AddWithValue("@latencyMs", record.LatencyMs);
        command.Parameters.AddWithValue("@replayed", record.Replayed ? 1 : 0);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<RrrCallPage> QueryAsync(RrrCallQuery query, CancellationToken cancellationToken)
    {
        RrrCallQueryRules.Validate(query);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);

        // Built only from the constant fragments below; every value is a parameter.
        var where = new StringBuilder();
        var parameters = new List<SqliteParameter>();
        if (query.TraceId is not null)
        {
            AppendCondition(where, "trace_id = @traceId");
            parameters.Add(new SqliteParameter("@traceId", query.TraceId));
        }

        if (query.IdempotencyKey is not null)
        {
            AppendCondition(where, "idempotency_key = @key");
            parameters.Add(new SqliteParameter("@key", query.IdempotencyKey));
        }

        long total;
        await using (var count = connection.CreateCommand())
        {
            count.Transaction = transaction;
            count.CommandText = $"SELECT COUNT(*) FROM rrr_calls{where};";
            count.Parameters.AddRange(parameters.Select(Clone).ToArray());
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        var items = new List<RrrCallRecord>();
        await using (var page = connection.CreateCommand())
        {
            page.Transaction = transaction;
            page.CommandText =
                $"SELECT {RrrCallColumns} FROM rrr_calls{where} ORDER BY started_at DESC, attempt DESC, id DESC LIMIT @take OFFSET @skip;";
            page.Parameters.AddRange(parameters.Select(Clone).ToArray());
            page.Parameters.AddWithValue("@take", query.Take);
            page.Parameters.AddWithValue("@skip", query.Skip);
            await using var reader = await page.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new RrrCallRecord(
                    Id: reader.GetString(0),
                    StartedAt: FromUnixMs(reader.GetInt64(1)),
                    Operation: reader.GetString(2),
                    Method: reader.GetString(3),
                    PathTemplate: reader.GetString(4),
                    IdempotencyKey: reader.IsDBNull(5) ? null : reader.GetString(5),
                    TraceId: reader.GetString(6),
                    Attempt: reader.GetInt32(7),
                    StatusCode: reader.IsDBNull(8) ? null : reader.GetInt32(8),
                    ErrorCode: reader.IsDBNull(9) ? null : reader.GetString(9),
                    Outcome: Enum.Parse<RrrCallOutcome>(reader.GetString(10)),
                    LatencyMs: reader.GetInt64(11),
                    Replayed: reader.GetInt64(12) != 0));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new RrrCallPage(items, total);
    }
}
