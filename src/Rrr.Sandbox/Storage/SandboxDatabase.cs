using Microsoft.Data.Sqlite;

namespace Rrr.Sandbox.Storage;

/// <summary>
/// The sandbox's own SQLite file (ledger, idempotency records, webhook deliveries), separate from the
/// portal's store so the two sides of the boundary never share state. Each feature creates its own
/// tables through <see cref="EnsureSchemaAsync"/>; statements must be idempotent.
/// </summary>
public sealed class SandboxDatabase
{
    public const string FileName = "ledger.db";

    // Writers queue instead of failing with SQLITE_BUSY when the API and the background jobs overlap.
    private const int BusyTimeoutSeconds = 10;

    private readonly string _connectionString;

    public SandboxDatabase(SandboxSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Directory.CreateDirectory(settings.DataFolder);
        DatabasePath = Path.GetFullPath(Path.Combine(settings.DataFolder, FileName));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
    }

    public string DatabasePath { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    public async Task EnsureSchemaAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // WAL is stored in the file; repeating it is harmless and keeps each feature self-sufficient.
        command.CommandText = "PRAGMA journal_mode = WAL;" + sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
