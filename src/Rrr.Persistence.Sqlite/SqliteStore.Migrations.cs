using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Rrr.Persistence.Sqlite;

/// <summary>
/// Columns added after a table first shipped. CREATE TABLE IF NOT EXISTS leaves an older file's table as it was,
/// so each addition is checked and made here, inside the start-up transaction, on every start (idempotent).
/// </summary>
public sealed partial class SqliteStore
{
    private static async Task MigrateAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        // Key generations: every existing row is generation 0, so its keys stay what they were.
        await AddColumnIfMissingAsync(connection, transaction, "earn_outbox", "key_generation", "INTEGER NOT NULL DEFAULT 0", cancellationToken);

        // The keyed chain: records from before keep NULL here and verify as legacy.
        await AddColumnIfMissingAsync(connection, transaction, "approval_log", "key_id", "TEXT NULL", cancellationToken);
    }

    // Table and column names are the constants above, never input.
    private static async Task AddColumnIfMissingAsync(
        SqliteConnection connection, SqliteTransaction transaction, string table, string column, string definition, CancellationToken cancellationToken)
    {
        await using var probe = connection.CreateCommand();
        probe.Transaction = transaction;
        probe.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = @column;";
        probe.Parameters.AddWithValue("@column", column);
        if (Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
        {
            await using var alter = connection.CreateCommand();
            alter.Transaction = transaction;
            alter.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {definition};";
            await alter.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
