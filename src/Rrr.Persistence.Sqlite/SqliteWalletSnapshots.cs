namespace Rrr.Persistence.Sqlite;

/// <summary>Last known wallet answers from RRR, versioned so an older answer never replaces a newer one.</summary>
public sealed class SqliteWalletSnapshots(SqliteDatabase database) : IWalletSnapshotStore
{
    public Task<WalletSnapshot?> GetWalletSnapshotAsync(string rrrMemberId, CancellationToken cancellationToken) =>
        database.QueryFirstAsync(
            "SELECT wallet, as_of, fetched_at, version FROM wallet_snapshots WHERE rrr_member_id = @id;",
            p => p.AddWithValue("@id", rrrMemberId),
            reader => new WalletSnapshot(rrrMemberId, reader.GetString(0), reader.GetTime(1), reader.GetTime(2), reader.GetInt64(3)),
            cancellationToken);

    public async Task<SnapshotSaveResult> SaveWalletSnapshotAsync(WalletSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);

        // The WHERE on the upsert is the whole ordering rule; SQLite runs it under its write lock.
        var saved = await database.ExecuteAsync(
            """
            INSERT INTO wallet_snapshots (rrr_member_id, wallet, as_of, fetched_at, version)
            VALUES (@id, @wallet, @asOf, @fetchedAt, @version)
            ON CONFLICT (rrr_member_id) DO UPDATE SET
                wallet = excluded.wallet, as_of = excluded.as_of, fetched_at = excluded.fetched_at, version = excluded.version
            WHERE excluded.version > wallet_snapshots.version
               OR (excluded.version = wallet_snapshots.version AND excluded.fetched_at >= wallet_snapshots.fetched_at);
            """,
            p =>
            {
                p.AddWithValue("@id", snapshot.RrrMemberId);
                p.AddWithValue("@wallet", snapshot.WalletJson);
                p.AddWithValue("@asOf", snapshot.AsOf.ToUnixTimeMilliseconds());
                p.AddWithValue("@fetchedAt", snapshot.FetchedAt.ToUnixTimeMilliseconds());
                p.AddWithValue("@version", snapshot.Version);
            },
            cancellationToken);
        return saved == 1 ? SnapshotSaveResult.Saved : SnapshotSaveResult.Stale;
    }

    internal static SqliteSchema Schema { get; } = new("""
        CREATE TABLE IF NOT EXISTS wallet_snapshots (
            rrr_member_id TEXT NOT NULL PRIMARY KEY,
            wallet        TEXT NOT NULL,
            as_of         INTEGER NOT NULL,
            fetched_at    INTEGER NOT NULL,
            version       INTEGER NOT NULL
        );
        """);
}
