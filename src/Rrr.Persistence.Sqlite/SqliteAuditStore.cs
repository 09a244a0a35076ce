using static Rrr.Persistence.Sqlite.SqliteCommands;

namespace Rrr.Persistence.Sqlite;

/// <summary>The audit trail: append-only events, read newest first in pages.</summary>
public sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
{
    private const string AuditColumns =
        "id, occurred_at, actor_id, kind, subject_id, trace_id, idempotency_key, outcome";

    public async Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);

        // Ids come from the caller, so a retried append of the same event is a no-op, not a duplicate.
        await database.ExecuteAsync(
            $"""
            INSERT INTO audit_events ({AuditColumns})
            VALUES (@id, @occurredAt, @actorId, @kind, @subjectId, @traceId, @idempotencyKey, @outcome)
            ON CONFLICT (id) DO NOTHING;
            """,
            p =>
            {
                p.AddWithValue("@id", auditEvent.Id);
                p.AddWithValue("@occurredAt", auditEvent.OccurredAt.ToUnixTimeMilliseconds());
                p.AddWithValue("@actorId", auditEvent.ActorId);
                p.AddWithValue("@kind", auditEvent.Kind);
                p.AddWithValue("@subjectId", auditEvent.SubjectId.OrNull());
                p.AddWithValue("@traceId", auditEvent.TraceId.OrNull());
                p.AddWithValue("@idempotencyKey", auditEvent.IdempotencyKey.OrNull());
                p.AddWithValue("@outcome", auditEvent.Outcome.OrNull());
            },
            cancellationToken);
    }

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        AuditQueryRules.Validate(query);

        // One read transaction, so the total and the page come from the same snapshot.
        return database.SnapshotAsync((connection, transaction) => QueryAsync(connection, transaction, query, cancellationToken), cancellationToken);
    }

    private static async Task<AuditPage> QueryAsync(
        SqliteConnection connection, SqliteTransaction transaction, AuditQuery query, CancellationToken cancellationToken)
    {
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

        var total = query.CountTotal ? await CountAsync(connection, transaction, query, where, parameters, cancellationToken) : AuditPage.NotCounted;
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

        // id breaks ties between events of the same millisecond, so paging never skips or repeats one.
        var items = await connection.QueryAsync(
            transaction,
            $"SELECT {AuditColumns} FROM audit_events{where} ORDER BY occurred_at DESC, id DESC LIMIT @take OFFSET @skip;",
            p =>
            {
                p.AddRange(parameters.Copies());
                p.AddWithValue("@take", query.Take);
                p.AddWithValue("@skip", query.Skip);
            },
            ReadEvent,
            cancellationToken);
        return new AuditPage(items, total, lowerBound);
    }

    private static async Task<long> CountAsync(
        SqliteConnection connection, SqliteTransaction transaction, AuditQuery query, StringBuilder where, List<SqliteParameter> parameters,
        CancellationToken cancellationToken)
    {
        var countWhere = new StringBuilder().Append(where);
        var countParameters = parameters.Copies().ToList();
        if (query.To is { } countTo)
        {
            AppendCondition(countWhere, "occurred_at < @to");
            countParameters.Add(new SqliteParameter("@to", countTo.ToUnixTimeMilliseconds()));
        }

        await using var count = connection.Command(
            transaction,
            query.CountUpTo is null
                ? $"SELECT COUNT(*) FROM audit_events{countWhere};"
                : $"SELECT COUNT(*) FROM (SELECT 1 FROM audit_events{countWhere} LIMIT @countLimit);");
        count.Parameters.AddRange(countParameters.ToArray());
        if (query.CountUpTo is { } limit)
        {
            // One past the limit tells "exactly the limit" from "more than it".
            count.Parameters.AddWithValue("@countLimit", limit + 1L);
        }

        return await count.ScalarInt64Async(cancellationToken);
    }

    private static AuditEvent ReadEvent(SqliteDataReader reader) => new(
        Id: reader.GetString(0),
        OccurredAt: reader.GetTime(1),
        ActorId: reader.GetString(2),
        Kind: reader.GetString(3),
        SubjectId: reader.GetStringOrNull(4),
        TraceId: reader.GetStringOrNull(5),
        IdempotencyKey: reader.GetStringOrNull(6),
        Outcome: reader.GetStringOrNull(7));

    // The audit indexes end in (occurred_at, id), the page order, so a page never needs a sort and an offset or cursor
    // skips along the index alone; the three older (…, occurred_at) indexes they replace are dropped
    // (bench/Rrr.Bench.AuditQueries).
    internal static SqliteSchema Schema { get; } = new("""
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
        """);
}
