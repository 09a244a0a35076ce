namespace Rrr.Persistence.Sqlite;

/// <summary>The count and the page of rows every paged list of this adapter reads (offset paging, newest first).</summary>
internal static class SqlitePage
{
    /// <summary>How many rows <paramref name="where"/> matches; with a <paramref name="limit"/>, it stops counting there.</summary>
    public static async Task<long> CountAsync(
        this SqliteConnection connection, SqliteTransaction? transaction, string table, SqliteWhere where, long? limit,
        CancellationToken cancellationToken)
    {
        await using var count = connection.Command(
            transaction,
            limit is null
                ? $"SELECT COUNT(*) FROM {table}{where};"
                : $"SELECT COUNT(*) FROM (SELECT 1 FROM {table}{where} LIMIT @countLimit);");
        where.Bind(count.Parameters);
        if (limit is { } countLimit)
        {
            count.Parameters.AddWithValue("@countLimit", countLimit);
        }

        return await count.ScalarInt64Async(cancellationToken);
    }

    /// <summary>One page of <paramref name="columns"/>; <paramref name="orderBy"/> must end in a unique column, so paging never skips or repeats a row.</summary>
    public static Task<List<T>> ReadPageAsync<T>(
        this SqliteConnection connection, SqliteTransaction transaction, string columns, string table, SqliteWhere where, string orderBy,
        int skip, int take, Func<SqliteDataReader, T> map, CancellationToken cancellationToken) =>
        connection.QueryAsync(
            transaction,
            $"SELECT {columns} FROM {table}{where} ORDER BY {orderBy} LIMIT @take OFFSET @skip;",
            p =>
            {
                where.Bind(p);
                p.AddWithValue("@take", take);
                p.AddWithValue("@skip", skip);
            },
            map,
            cancellationToken);

    /// <summary>The full count and one page from one read transaction, so the two never disagree.</summary>
    public static Task<TPage> CountAndReadAsync<T, TPage>(
        this SqliteDatabase database, string columns, string table, SqliteWhere where, string orderBy, int skip, int take,
        Func<SqliteDataReader, T> map, Func<List<T>, long, TPage> page, CancellationToken cancellationToken) =>
        database.SnapshotAsync(
            async (connection, transaction) =>
            {
                var total = await connection.CountAsync(transaction, table, where, null, cancellationToken);
                return page(await connection.ReadPageAsync(transaction, columns, table, where, orderBy, skip, take, map, cancellationToken), total);
            },
            cancellationToken);
}
