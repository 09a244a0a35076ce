using Microsoft.Data.Sqlite;

namespace Rrr.Core.Persistence.Sqlite;

/// <summary>
/// Columns added after a table first shipped. CREATE TABLE IF NOT EXISTS leaves an older file's table as it was,
/// so each addition is checked and made here, inside the start-up transaction, on every start (idempotent).
/// </summary>
public sealed partial class SqliteStore
{
    private static async Task MigrateAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await MigrateEarnOutboxAsync(connection, transaction, cancellationToken);
        await MigrateApprovalLogAsync(connection, transaction, cancellationToken);
    }
}
