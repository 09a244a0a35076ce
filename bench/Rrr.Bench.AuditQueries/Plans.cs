using Microsoft.Data.Sqlite;

namespace Rrr.Bench.AuditQueries;

/// <summary>Prints SQLite's plan for the store's query shapes, so the table's numbers can be read against the indexes used.</summary>
internal static class Plans
{
    private static readonly (string Name, string Sql)[] Shapes =
    [
        ("(a) count", "SELECT COUNT(*) FROM audit_events WHERE actor_id = 'x' AND kind = 'k' AND occurred_at >= 1 AND occurred_at < 2"),
        ("(a) page", "SELECT * FROM audit_events WHERE actor_id = 'x' AND kind = 'k' AND occurred_at >= 1 AND occurred_at < 2 ORDER BY occurred_at DESC, id DESC LIMIT 50"),
        ("(b) count", "SELECT COUNT(*) FROM audit_events WHERE kind = 'k' AND occurred_at >= 1 AND occurred_at < 2"),
        ("(b) page", "SELECT * FROM audit_events WHERE kind = 'k' AND occurred_at >= 1 AND occurred_at < 2 ORDER BY occurred_at DESC, id DESC LIMIT 50 OFFSET 20000"),
        ("(b) cursor page", "SELECT * FROM audit_events WHERE kind = 'k' AND occurred_at >= 1 AND occurred_at <= 2 AND (occurred_at < 2 OR id < 'x') ORDER BY occurred_at DESC, id DESC LIMIT 50"),
        ("(d) export page", "SELECT * FROM audit_events WHERE occurred_at <= 2 AND (occurred_at < 2 OR id < 'x') ORDER BY occurred_at DESC, id DESC LIMIT 500"),
        ("(e) count all", "SELECT COUNT(*) FROM audit_events"),
        ("(c) queue", "SELECT * FROM approval_requests WHERE status = 'PENDING' AND expires_at > 1 AND (created_at, id) > (1, 'a') ORDER BY created_at, id LIMIT 51"),
        ("(c) queue kind", "SELECT * FROM approval_requests WHERE status = 'PENDING' AND expires_at > 1 AND kind = 'promotion' ORDER BY created_at, id LIMIT 51"),
    ];

    public static async Task PrintAsync(string path, TextWriter log, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        await connection.OpenAsync(ct);
        foreach (var (name, sql) in Shapes)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            await using var reader = await command.ExecuteReaderAsync(ct);
            var steps = new List<string>();
            while (await reader.ReadAsync(ct))
            {
                steps.Add(reader.GetString(3));
            }

            await log.WriteLineAsync($"plan {name}: {string.Join(" | ", steps)}");
        }
    }
}
