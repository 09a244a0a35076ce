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

    /// <summary>
    /// One writer at a time inside the process. Every write transaction (ledger, idempotency keys, webhook
    /// deliveries) takes it, so our own writers queue here in order instead of meeting SQLite's busy
    /// handling, which sleeps in fixed steps and made 8 concurrent earn calls ~10x slower than one.
    /// </summary>
    internal SemaphoreSlim WriteGate { get; } = new(1, 1);

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = connection.CreateCommand();
        // With WAL, NORMAL syncs at checkpoints instead of every commit: a commit survives a killed process
        // (what the tests and demos do), only a power cut can lose the last ones. A stand-in needs no more.
        pragma.CommandText = "PRAGMA synchronous = NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> holding <see cref="WriteGate"/>.</summary>
    internal async Task<T> GatedAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            WriteGate.Release();
        }
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
