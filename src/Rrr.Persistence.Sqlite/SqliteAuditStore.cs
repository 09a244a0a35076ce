namespace Rrr.Persistence.Sqlite;

/// <summary>The audit trail: append-only events, read newest first in pages.</summary>
public sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
{
    private const string Table = "audit_events";

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
        // Only the filters given, so SQLite picks the (actor_id, …), (kind, …) or (actor_id, kind, …) index.
        var where = new SqliteWhere()
            .AndIfGiven("actor_id = @actorId", "@actorId", query.ActorId)
            .AndIfGiven("kind = @kind", "@kind", query.Kind);
        if (query.From is { } from)
        {
            where.And("occurred_at >= @from", ("@from", from.ToUnixTimeMilliseconds()));
        }

        var counted = query.CountTotal
            ? await connection.CountAsync(transaction, Table, UpTo(where.Copy(), query.To), query.CountUpTo + 1L, cancellationToken)
            : 0;

        // A page has one upper bound on occurred_at, so SQLite seeks the index to it: the cursor's time when it lies
        // inside the range (with the id breaking ties at that instant), else the range's end. Given two upper
        // bounds, SQLite seeks by one and filters by the other, and a cursor page would re-read every newer row.
        if (query.Before is { } before && (query.To is null || before.OccurredAt < query.To))
        {
            where.And(
                "occurred_at <= @beforeAt AND (occurred_at < @beforeAt OR id < @beforeId)",
                ("@beforeAt", before.OccurredAt.ToUnixTimeMilliseconds()),
                ("@beforeId", before.Id));
        }
        else
        {
            UpTo(where, query.To);
        }

        // id breaks ties between events of the same millisecond, so paging never skips or repeats one.
        var items = await connection.ReadPageAsync(
            transaction, AuditColumns, Table, where, "occurred_at DESC, id DESC", query.Skip, query.Take, ReadEvent, cancellationToken);
        return AuditQueryRules.Page(items, counted, query);
    }

    private static SqliteWhere UpTo(SqliteWhere where, DateTimeOffset? to) =>
        to is { } end ? where.And("occurred_at < @to", ("@to", end.ToUnixTimeMilliseconds())) : where;

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
