namespace Rrr.Sandbox.Idempotency;

internal enum ReservationOutcome
{
    Reserved,
    Replay,
    InProgress,
    Reused,
}

internal sealed record StoredResponse(int StatusCode, string? ContentType, byte[] Body);

internal sealed record Reservation(ReservationOutcome Outcome, StoredResponse? Response = null);

/// <summary>
/// Idempotency keys in the sandbox database, scoped by (client id, key). A key moves IN_PROGRESS →
/// COMMITTED (inside the ledger transaction, see <see cref="IdempotencyMark"/>) → COMPLETED (response stored).
/// </summary>
internal sealed class IdempotencyStore(LedgerDatabase db)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS idempotency_keys (
            client_id    TEXT NOT NULL,
            idem_key     TEXT NOT NULL,
            fingerprint  TEXT NOT NULL,
            state        TEXT NOT NULL,
            status_code  INTEGER,
            content_type TEXT,
            body         BLOB,
            created_at   INTEGER NOT NULL,
            PRIMARY KEY (client_id, idem_key)
        );
        CREATE INDEX IF NOT EXISTS ix_idempotency_created ON idempotency_keys (created_at);
        """;

    /// <summary>
    /// Creates the table and releases reservations a previous process left IN_PROGRESS: their ledger
    /// transaction never committed (it would have marked them COMMITTED), so running them again is safe.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await db.EnsureSchemaAsync(Schema, cancellationToken).ConfigureAwait(false);
        await db.EnsureSchemaAsync("DELETE FROM idempotency_keys WHERE state = 'IN_PROGRESS';", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Test seam: runs after a key was reserved (committed, gate released) and before the request goes on,
    /// so a test can hold a request "in progress" without holding the writer gate.
    /// </summary>
    internal Func<string, Task>? AfterReserved { get; set; }

    /// <summary>Reserves the key atomically (the primary key decides the race) or reports what holds it.</summary>
    public async Task<Reservation> ReserveAsync(string clientId, string key, string fingerprint, CancellationToken cancellationToken)
    {
        // Under the writer gate like every sandbox write: a duplicate waits at most for the ledger
        // transaction running at that moment (never for a whole request), then sees its twin's key.
        var reservation = await db.Database.GatedAsync(() => ReserveGatedAsync(clientId, key, fingerprint, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        if (reservation.Outcome == ReservationOutcome.Reserved && AfterReserved is { } hook)
        {
            await hook(key).ConfigureAwait(false);
        }

        return reservation;
    }

    private async Task<Reservation> ReserveGatedAsync(string clientId, string key, string fingerprint, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var now = db.Clock.GetUtcNow();
        await using (var purge = connection.CreateCommand())
        {
            purge.Transaction = transaction;
            purge.CommandText = "DELETE FROM idempotency_keys WHERE created_at <= $cutoff;";
            purge.Parameters.AddWithValue("$cutoff", (now - Lifetime).ToUnixTimeMilliseconds());
            await purge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO idempotency_keys (client_id, idem_key, fingerprint, state, created_at) VALUES ($c, $k, $f, 'IN_PROGRESS', $now)
            ON CONFLICT (client_id, idem_key) DO NOTHING;
            """;
        insert.Parameters.AddWithValue("$c", clientId);
        insert.Parameters.AddWithValue("$k", key);
        insert.Parameters.AddWithValue("$f", fingerprint);
        insert.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new Reservation(ReservationOutcome.Reserved);
        }

        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = "SELECT fingerprint, state, status_code, content_type, body FROM idempotency_keys WHERE client_id = $c AND idem_key = $k;";
        select.Parameters.AddWithValue("$c", clientId);
        select.Parameters.AddWithValue("$k", key);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(reader.GetString(0), fingerprint, StringComparison.Ordinal))
        {
            return new Reservation(ReservationOutcome.Reused);
        }

        return reader.GetString(1) != "COMPLETED"
            ? new Reservation(ReservationOutcome.InProgress)
            : new Reservation(ReservationOutcome.Replay, new StoredResponse(
                reader.GetInt32(2), LedgerBook.NullableString(reader, 3), reader.IsDBNull(4) ? [] : (byte[])reader.GetValue(4)));
    }

    public async Task CompleteAsync(string clientId, string key, StoredResponse response, CancellationToken cancellationToken)
    {
        await db.WriteAsync(tx => tx.ExecAsync(
            """
            UPDATE idempotency_keys SET state = 'COMPLETED', status_code = $s, content_type = $ct, body = $b
            WHERE client_id = $c AND idem_key = $k;
            """,
            ("$s", response.StatusCode), ("$ct", response.ContentType), ("$b", response.Body), ("$c", clientId), ("$k", key)), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Frees the key for a retry, unless the ledger already committed under it (then a retry must not run again).</summary>
    public async Task ReleaseAsync(string clientId, string key, CancellationToken cancellationToken)
    {
        await db.WriteAsync(tx => tx.ExecAsync(
            "DELETE FROM idempotency_keys WHERE client_id = $c AND idem_key = $k AND state = 'IN_PROGRESS';", ("$c", clientId), ("$k", key)), cancellationToken).ConfigureAwait(false);
    }
}
