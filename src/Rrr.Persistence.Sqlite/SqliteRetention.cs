namespace Rrr.Persistence.Sqlite;

/// <summary>The retention delete of the tables kept for a configured time (the webhook inbox, the notifications).</summary>
internal static class SqliteRetention
{
    /// <summary>
    /// Deletes the rows of <paramref name="table"/> whose <paramref name="timeColumn"/> (unix ms, indexed) is before
    /// <paramref name="before"/>; how many went. It takes the writer's turn with <see cref="Durability.Normal"/>: a
    /// purge lost to a power cut simply runs again. Both names are the ports' constants, never input.
    /// </summary>
    public static Task<long> PurgeAsync(
        this SqliteDatabase database, string table, string timeColumn, DateTimeOffset before, CancellationToken cancellationToken) =>
        database.WriteAsync(Durability.Normal, async connection => (long)await connection.ExecuteAsync(
            null,
            $"DELETE FROM {table} WHERE {timeColumn} < @before;",
            cancellationToken,
            p => p.AddWithValue("@before", before.ToUnixTimeMilliseconds())), cancellationToken);
}
