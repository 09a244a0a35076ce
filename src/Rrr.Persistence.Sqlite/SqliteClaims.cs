namespace Rrr.Persistence.Sqlite;

/// <summary>The lease both processors' queues (the webhook inbox, the earn outbox) take on a batch of due rows.</summary>
internal static class SqliteClaims
{
    /// <summary>
    /// Runs <paramref name="sql"/>, one UPDATE … RETURNING over @owner, @leaseUntil, @now and @max: SQLite runs it
    /// under the write lock, so two instances never lease the same row. It goes through the writer gate with
    /// <see cref="Durability.Normal"/>: a claim lost to a power cut only means the rows are leased again.
    /// RETURNING gives no order guarantee, so the rows come back sorted by <paramref name="order"/>.
    /// </summary>
    public static async Task<List<T>> ClaimAsync<T>(
        this SqliteDatabase database, string sql, string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil,
        Func<SqliteDataReader, T> map, Comparison<T> order, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var claimed = await database.WriteAsync(Durability.Normal, connection => connection.QueryAsync(
            null,
            sql,
            p =>
            {
                p.AddWithValue("@owner", owner);
                p.AddWithValue("@leaseUntil", leaseUntil.ToUnixTimeMilliseconds());
                p.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                p.AddWithValue("@max", max);
            },
            map,
            cancellationToken), cancellationToken);
        claimed.Sort(order);
        return claimed;
    }
}
