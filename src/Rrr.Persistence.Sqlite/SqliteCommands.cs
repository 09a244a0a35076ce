namespace Rrr.Persistence.Sqlite;

/// <summary>The command and row helpers every port class shares.</summary>
internal static class SqliteCommands
{
    public static SqliteCommand Command(this SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Runs one statement; returns the rows it changed.</summary>
    public static async Task<int> ExecuteAsync(
        this SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken,
        Action<SqliteParameterCollection>? bind = null)
    {
        await using var command = connection.Command(transaction, sql);
        bind?.Invoke(command.Parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<List<T>> QueryAsync<T>(
        this SqliteConnection connection, SqliteTransaction? transaction, string sql, Action<SqliteParameterCollection> bind,
        Func<SqliteDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(transaction, sql);
        bind(command.Parameters);
        return await command.ReadAllAsync(map, cancellationToken);
    }

    public static async Task<List<T>> ReadAllAsync<T>(this SqliteCommand command, Func<SqliteDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    public static async Task<long> ScalarInt64Async(this SqliteCommand command, CancellationToken cancellationToken) =>
        Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);

    /// <summary>The value, or <see cref="DBNull"/> for a missing one.</summary>
    public static object OrNull(this object? value) => value ?? DBNull.Value;

    public static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset GetTime(this SqliteDataReader reader, int ordinal) => FromUnixMs(reader.GetInt64(ordinal));

    public static DateTimeOffset? GetTimeOrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : FromUnixMs(reader.GetInt64(ordinal));

    public static string? GetStringOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
