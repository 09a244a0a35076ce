namespace Rrr.Persistence.Sqlite;

/// <summary>
/// The save both snapshot tables share: one upsert whose WHERE is the whole ordering rule (a newer version, or the
/// same one fetched no earlier), which SQLite runs under its write lock. Both tables store fetched_at and version.
/// </summary>
internal static class SqliteSnapshotUpsert
{
    /// <param name="values">The snapshot's other columns; names are the ports' constants, never input.</param>
    public static async Task<SnapshotSaveResult> IfOlderAsync(
        SqliteDatabase database, string table, (string Column, string Value) key, long version, DateTimeOffset fetchedAt,
        IReadOnlyList<(string Column, object Value)> values, CancellationToken cancellationToken)
    {
        var columns = values.Select(v => v.Column).Append("fetched_at").Append("version").ToArray();
        var saved = await database.ExecuteAsync(
            $"""
            INSERT INTO {table} ({key.Column}, {string.Join(", ", columns)})
            VALUES (@{key.Column}, {string.Join(", ", columns.Select(c => "@" + c))})
            ON CONFLICT ({key.Column}) DO UPDATE SET
                {string.Join(", ", columns.Select(c => $"{c} = excluded.{c}"))}
            WHERE excluded.version > {table}.version
               OR (excluded.version = {table}.version AND excluded.fetched_at >= {table}.fetched_at);
            """,
            p =>
            {
                p.AddWithValue("@" + key.Column, key.Value);
                foreach (var (column, value) in values)
                {
                    p.AddWithValue("@" + column, value);
                }

                p.AddWithValue("@fetched_at", fetchedAt.ToUnixTimeMilliseconds());
                p.AddWithValue("@version", version);
            },
            cancellationToken);
        return saved == 1 ? SnapshotSaveResult.Saved : SnapshotSaveResult.Stale;
    }
}
