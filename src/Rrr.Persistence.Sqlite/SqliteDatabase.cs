namespace Rrr.Persistence.Sqlite;

/// <summary>
/// The one SQLite file under the data folder (development, demos, single-instance installs) that every port class
/// of this adapter shares: its connections, its single writer gate, its transactions and its schema. Timestamps
/// are unix milliseconds (UTC) so they sort as integers.
/// </summary>
public sealed class SqliteDatabase : IStoreLifecycle, IDisposable
{
    // Each port class ends with the tables it owns; their statements are idempotent, so InitializeAsync can run on every
    // start-up. The order is the order the tables were created in before the ports had classes of their own.
    private static readonly SqliteSchema[] Schemas =
    [
        SqliteKeyRing.Schema, SqliteAuditStore.Schema, SqliteRrrCallLog.Schema, SqliteWebhookInbox.Schema,
        SqliteResourceVersions.Schema, SqliteWalletSnapshots.Schema, SqliteLinkSnapshots.Schema, SqliteEarnOutbox.Schema,
        SqliteAwardHistory.Schema, SqliteApprovalStore.Schema, SqliteCheckoutOrders.Schema, SqliteOpenLinkIntents.Schema,
        SqliteNotifications.Schema,
    ];

    // Writers queue behind each other instead of failing with SQLITE_BUSY when two requests overlap.
    private const int BusyTimeoutMilliseconds = 5000;

    private static readonly string OrdinaryPragmas =
        string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};");

    private static readonly string RelaxedPragmas = OrdinaryPragmas + " PRAGMA synchronous = NORMAL;";

    // SQLite has one writer at a time, and a writer that finds the lock taken sleeps in the busy
    // handler (1, 2, 5, 10 … 100 ms steps), which under load turns into long tail latencies. The hot
    // writers (the webhook inbox and its processor, the earn outbox, the RRR call log) therefore queue
    // here, in process, and take turns at once; the busy timeout still covers other processes.
    private readonly SemaphoreSlim writeGate = new(1, 1);

    private readonly string dataFolder;
    private readonly string connectionString;
    private string? processingConnectionString;

    public SqliteDatabase(string dataFolder, string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        this.dataFolder = Path.GetFullPath(dataFolder);
        DatabasePath = Path.Combine(this.dataFolder, fileName);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
    }

    public string DatabasePath { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataFolder);
        await using var connection = await OpenAsync(cancellationToken);

        // WAL lets readers (audit screens) run while a writer appends; the mode is stored in the
        // file, so setting it once here covers every later connection.
        await connection.ExecuteAsync(null, "PRAGMA journal_mode = WAL;", cancellationToken);
        await InTransactionAsync(connection, deferred: false, async transaction =>
        {
            await connection.ExecuteAsync(transaction, string.Concat(Schemas.Select(schema => schema.Sql)), cancellationToken);

            // CREATE TABLE IF NOT EXISTS leaves an older file's table as it was, so the columns added since are
            // checked and made here, inside the start-up transaction, after every table exists.
            foreach (var addition in Schemas.SelectMany(schema => schema.Additions))
            {
                await AddColumnIfMissingAsync(connection, transaction, addition, cancellationToken);
            }

            return true;
        }, cancellationToken);

        // Table statistics let the planner tell a selective index (actor + kind) from a broad one (kind) with the same
        // shape; without them it can pick the broad one and read far more rows. optimize re-analyses only tables
        // that changed enough, sampling at most analysis_limit rows per index, so it stays cheap on every start-up.
        await connection.ExecuteAsync(null, "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;", cancellationToken);
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.Command(null, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_events';");
            return await command.ScalarInt64Async(cancellationToken) == 1;
        }
        catch (SqliteException)
        {
            // A readiness probe answers "not ready"; the exception itself surfaces on real calls.
            return false;
        }
    }

    /// <summary>
    /// Drops this file's pooled connections, so the file is released (tests delete it; Windows
    /// refuses to while a pooled handle is open).
    /// </summary>
    public void Dispose()
    {
        ClearPool(connectionString);
        if (processingConnectionString is not null)
        {
            ClearPool(processingConnectionString);
        }
    }

    /// <summary>An ordinary connection (<c>synchronous = FULL</c>), outside the writer gate.</summary>
    internal Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => OpenAsync(Durability.Full, cancellationToken);

    /// <summary>Runs <paramref name="work"/> on an ordinary connection, outside the writer gate.</summary>
    internal async Task<T> WithConnectionAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await work(connection);
    }

    /// <summary>One statement on an ordinary connection, outside the writer gate; returns the rows it changed.</summary>
    internal Task<int> ExecuteAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken) =>
        WithConnectionAsync(connection => connection.ExecuteAsync(null, sql, cancellationToken, bind), cancellationToken);

    /// <summary>One query on an ordinary connection, every row mapped.</summary>
    internal Task<List<T>> QueryAsync<T>(
        string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> map, CancellationToken cancellationToken) =>
        WithConnectionAsync(connection => connection.QueryAsync(null, sql, bind, map, cancellationToken), cancellationToken);

    /// <summary>The first row of one query on an ordinary connection (the queries that use it find one at the most).</summary>
    internal async Task<T?> QueryFirstAsync<T>(
        string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> map, CancellationToken cancellationToken)
        where T : class =>
        (await QueryAsync(sql, bind, map, cancellationToken)).FirstOrDefault();

    /// <summary>A read transaction (DEFERRED), so the reads in <paramref name="work"/> see one snapshot.</summary>
    internal Task<T> SnapshotAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        WithConnectionAsync(connection => InTransactionAsync(connection, deferred: true, t => work(connection, t), cancellationToken), cancellationToken);

    /// <summary>
    /// An IMMEDIATE transaction on an ordinary connection, outside the writer gate; it commits unless
    /// <paramref name="commitWhen"/> says no, and then rolls back.
    /// </summary>
    internal Task<T> TransactionAsync<T>(
        Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken, Func<T, bool>? commitWhen = null) =>
        WithConnectionAsync(connection => InTransactionAsync(connection, deferred: false, t => work(connection, t), cancellationToken, commitWhen), cancellationToken);

    /// <summary>Takes the writer's turn, then runs <paramref name="work"/> on a connection of the given durability.</summary>
    internal async Task<T> WriteAsync<T>(Durability durability, Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(durability, cancellationToken);
            return await work(connection);
        }
        finally
        {
            writeGate.Release();
        }
    }

    /// <summary>
    /// The writer's turn and one IMMEDIATE transaction around <paramref name="work"/>, so a batch costs one commit
    /// (one WAL sync at the most) however many rows it holds.
    /// </summary>
    internal Task<T> WriteInTransactionAsync<T>(
        Durability durability, Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        WriteAsync(durability, connection => InTransactionAsync(connection, deferred: false, t => work(connection, t), cancellationToken), cancellationToken);

    /// <summary>
    /// A batch: the writer's turn, one IMMEDIATE transaction, and one statement per item on one command, each item
    /// bound afresh. <paramref name="result"/> turns an item and the rows its statement changed into its answer,
    /// inside the same transaction.
    /// </summary>
    internal async Task<IReadOnlyList<TResult>> WriteEachAsync<T, TResult>(
        Durability durability, string sql, IReadOnlyList<T> items, Action<SqliteParameterCollection, T> bind,
        Func<SqliteConnection, SqliteTransaction, T, int, Task<TResult>> result, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return [];
        }

        return await WriteInTransactionAsync(durability, async (connection, transaction) =>
        {
            await using var command = connection.Command(transaction, sql);
            var results = new TResult[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                command.Parameters.Clear();
                bind(command.Parameters, items[i]);
                results[i] = await result(connection, transaction, items[i], await command.ExecuteNonQueryAsync(cancellationToken));
            }

            return results;
        }, cancellationToken);
    }

    /// <summary>A batch whose answer for each item follows from the rows its statement changed alone.</summary>
    internal Task<IReadOnlyList<TResult>> WriteEachAsync<T, TResult>(
        Durability durability, string sql, IReadOnlyList<T> items, Action<SqliteParameterCollection, T> bind, Func<int, TResult> result,
        CancellationToken cancellationToken) =>
        WriteEachAsync(durability, sql, items, bind, (_, _, _, changed) => Task.FromResult(result(changed)), cancellationToken);

    private static async Task<T> InTransactionAsync<T>(
        SqliteConnection connection, bool deferred, Func<SqliteTransaction, Task<T>> work, CancellationToken cancellationToken,
        Func<T, bool>? commitWhen = null)
    {
        await using var transaction = deferred
            ? connection.BeginTransaction(deferred: true)
            : (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(transaction);
        if (commitWhen is null || commitWhen(result))
        {
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// <see cref="Durability.Normal"/> opens a connection for the processors' writes (claims, completions, resource
    /// versions, purge, the call log) with <c>synchronous = NORMAL</c>: in WAL mode its commits skip the disk sync.
    /// They still survive a crash of the app; a power loss can roll back the last few, and then the work is simply
    /// done again, which the version checks and idempotency keys make harmless. Only the promises behind a 2xx
    /// (the inbox and outbox inserts) and operators' decisions pay a sync, and a later synced commit carries these
    /// frames with it.
    /// </summary>
    private async Task<SqliteConnection> OpenAsync(Durability durability, CancellationToken cancellationToken)
    {
        // Pools are keyed by connection string: an explicit (default) ForeignKeys = false gives the relaxed
        // connections a pool of their own, so their setting never reaches the store's other writes.
        var relaxed = durability == Durability.Normal;
        if (relaxed)
        {
            processingConnectionString ??= new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = false }.ToString();
        }

        var connection = new SqliteConnection(relaxed ? processingConnectionString : connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(null, relaxed ? RelaxedPragmas : OrdinaryPragmas, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // Table and column names are the ports' constants, never input.
    private static async Task AddColumnIfMissingAsync(
        SqliteConnection connection, SqliteTransaction transaction, ColumnAddition addition, CancellationToken cancellationToken)
    {
        await using var probe = connection.Command(transaction, $"SELECT COUNT(*) FROM pragma_table_info('{addition.Table}') WHERE name = @column;");
        probe.Parameters.AddWithValue("@column", addition.Column);
        if (await probe.ScalarInt64Async(cancellationToken) == 0)
        {
            await connection.ExecuteAsync(
                transaction, $"ALTER TABLE {addition.Table} ADD COLUMN {addition.Column} {addition.Definition};", cancellationToken);
        }
    }

    private static void ClearPool(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
