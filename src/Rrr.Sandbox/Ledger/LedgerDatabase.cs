namespace Rrr.Sandbox.Ledger;

/// <summary>
/// Runs ledger work as one SQLite transaction (BEGIN IMMEDIATE) on the sandbox database. The webhook
/// events the work queued are written to the outbox inside that same transaction, so a committed change
/// always has its event row and a rolled-back one never does; the dispatcher is woken after the commit.
/// </summary>
internal sealed class LedgerDatabase(SandboxDatabase database, SandboxClock clock, WebhookOutbox outbox)
{
    /// <summary>
    /// The sandbox database's one-writer gate (shared with the idempotency keys and webhook deliveries),
    /// so SQLite never has to answer BUSY between our own requests; BEGIN IMMEDIATE still guards against
    /// anything else opening the file.
    /// </summary>
    internal SemaphoreSlim WriteLock => database.WriteGate;

    public SandboxDatabase Database => database;

    public SandboxClock Clock => clock;

    public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => database.OpenAsync(cancellationToken);

    public Task EnsureSchemaAsync(string sql, CancellationToken cancellationToken) => database.EnsureSchemaAsync(sql, cancellationToken);

    /// <summary>
    /// Test seam: runs inside the transaction after the outbox rows are written, just before the commit
    /// (a test throws here to stand in for a crash between the event insert and the commit).
    /// </summary>
    internal Func<LedgerTx, Task>? BeforeCommit { get; set; }

    public async Task<T> WriteAsync<T>(Func<LedgerTx, Task<T>> work, CancellationToken cancellationToken)
    {
        LedgerTx tx;
        T result;
        var written = new List<OutboxEvent>();
        // Outside the write lock and the transaction: creating the tables must not wait on ourselves.
        await outbox.EnsureReadyAsync().ConfigureAwait(false);
        await WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            // deferred: false is BEGIN IMMEDIATE: the write lock is taken up front, not on the first write.
            await using var transaction = connection.BeginTransaction(deferred: false);
            tx = new LedgerTx(connection, transaction, clock.GetUtcNow(), RequestAmbient.TraceId, cancellationToken);
            result = await work(tx).ConfigureAwait(false);
            await IdempotencyMark.MarkCommittedAsync(tx).ConfigureAwait(false);
            // The transactional outbox: the events commit (or roll back) with the change they describe.
            foreach (var (type, data) in tx.Events)
            {
                written.Add(await outbox.EnqueueAsync(transaction, type, data, tx.Now, cancellationToken).ConfigureAwait(false));
            }

            if (BeforeCommit is { } hook)
            {
                await hook(tx).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            WriteLock.Release();
        }

        // Only a wake-up: a crash before it delays delivery to the dispatcher's next poll (or its start-up
        // recovery), it never loses the event.
        outbox.Committed(written);

        return tx.DeferredProblem is { } problem ? throw problem : result;
    }

    public async Task<T> ReadAsync<T>(Func<LedgerTx, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Deferred: a consistent snapshot for the read without taking the write lock.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var tx = new LedgerTx(connection, transaction, clock.GetUtcNow(), RequestAmbient.TraceId, cancellationToken);
        return await work(tx).ConfigureAwait(false);
    }

    public static string NewId(string prefix) =>
        prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
}

/// <summary>One open ledger transaction: small query helpers, the sandbox "now", and queued webhook events.</summary>
internal sealed class LedgerTx(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now, string? traceId, CancellationToken cancellationToken)
{
    private readonly Dictionary<string, long> _walletVersions = new(StringComparer.Ordinal);

    public DateTimeOffset Now { get; } = now;

    public long NowMs => Now.ToUnixTimeMilliseconds();

    public string? TraceId { get; } = traceId;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public List<(string Type, IReadOnlyDictionary<string, object?> Data)> Events { get; } = [];

    /// <summary>A refusal raised after the transaction commits (e.g. a wrong code that used up a try).</summary>
    public LedgerProblem? DeferredProblem { get; set; }

    public void Publish(string type, IReadOnlyDictionary<string, object?> data) => Events.Add((type, data));

    public async Task<int> ExecAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(CancellationToken).ConfigureAwait(false);
    }

    public async Task<long> LongAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(CancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ReadAllAsync(map, CancellationToken).ConfigureAwait(false);
    }

    public async Task<T?> SingleAsync<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
        where T : class
    {
        var rows = await QueryAsync(sql, map, parameters).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<T?> RowAsync<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
        where T : struct
    {
        var rows = await QueryAsync(sql, map, parameters).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Raises the member's wallet version once per transaction and returns the new value.</summary>
    public async Task<long> BumpWalletAsync(string memberId)
    {
        if (_walletVersions.TryGetValue(memberId, out var version))
        {
            return version;
        }

        await ExecAsync("UPDATE members SET wallet_version = wallet_version + 1 WHERE rrr_member_id = $m;", ("$m", memberId)).ConfigureAwait(false);
        version = await LongAsync("SELECT wallet_version FROM members WHERE rrr_member_id = $m;", ("$m", memberId)).ConfigureAwait(false);
        _walletVersions[memberId] = version;
        return version;
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}

/// <summary>Per-request values the ledger records without every handler passing them down.</summary>
internal static class RequestAmbient
{
    private static readonly AsyncLocal<string?> Trace = new();
    private static readonly AsyncLocal<(string ClientId, string Key)?> Idempotency = new();

    public static string? TraceId { get => Trace.Value; set => Trace.Value = value; }

    public static (string ClientId, string Key)? IdempotencyKey { get => Idempotency.Value; set => Idempotency.Value = value; }
}

internal static class IdempotencyMark
{
    /// <summary>
    /// Marks the request's idempotency reservation COMMITTED inside the ledger transaction itself, so the
    /// key and the ledger change commit or roll back together. If the process dies before the response is
    /// stored, the key stays COMMITTED (a retry gets 409 request_in_progress until the key expires) and
    /// can never post a second time; reservations still IN_PROGRESS at start-up changed nothing and are
    /// released.
    /// </summary>
    public static Task MarkCommittedAsync(LedgerTx tx) =>
        RequestAmbient.IdempotencyKey is { } key
            ? tx.ExecAsync(
                "UPDATE idempotency_keys SET state = 'COMMITTED' WHERE client_id = $c AND idem_key = $k AND state = 'IN_PROGRESS';",
                ("$c", key.ClientId), ("$k", key.Key))
            : Task.CompletedTask;
}

internal static class Times
{
    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? FromMs(object value) =>
        value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));
}
