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
        return await SqliteSnapshotUpsert.IfOlderAsync(
            database, "wallet_snapshots", ("rrr_member_id", snapshot.RrrMemberId), snapshot.Version, snapshot.FetchedAt,
            [("wallet", snapshot.WalletJson), ("as_of", snapshot.AsOf.ToUnixTimeMilliseconds())], cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListMembersAsync(string? afterMemberId, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        return await database.WithConnectionAsync(
            connection => connection.QueryAsync(
                null,
                "SELECT rrr_member_id FROM wallet_snapshots WHERE rrr_member_id > @after ORDER BY rrr_member_id LIMIT @take;",
                p =>
                {
                    p.AddWithValue("@after", afterMemberId ?? "");
                    p.AddWithValue("@take", take);
                },
                reader => reader.GetString(0),
                cancellationToken),
            cancellationToken);
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
