namespace Rrr.Persistence.Sqlite;

/// <summary>Last known link answers from RRR, versioned so an older answer never replaces a newer one.</summary>
public sealed class SqliteLinkSnapshots(SqliteDatabase database) : ILinkSnapshotStore
{
    public Task<LinkSnapshot?> GetLinkSnapshotAsync(string xcnUserId, CancellationToken cancellationToken) =>
        database.QueryFirstAsync(
            "SELECT link, fetched_at, version FROM link_snapshots WHERE xcn_user_id = @id;",
            p => p.AddWithValue("@id", xcnUserId),
            reader => new LinkSnapshot(xcnUserId, reader.GetString(0), reader.GetInt64(2), reader.GetTime(1)),
            cancellationToken);

    public async Task<SnapshotSaveResult> SaveLinkSnapshotAsync(LinkSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);

        // Same ordering rule as the wallet snapshots: a newer version, or the same one fetched later.
        var saved = await database.ExecuteAsync(
            """
            INSERT INTO link_snapshots (xcn_user_id, link, fetched_at, version)
            VALUES (@id, @link, @fetchedAt, @version)
            ON CONFLICT (xcn_user_id) DO UPDATE SET
                link = excluded.link, fetched_at = excluded.fetched_at, version = excluded.version
            WHERE excluded.version > link_snapshots.version
               OR (excluded.version = link_snapshots.version AND excluded.fetched_at >= link_snapshots.fetched_at);
            """,
            p =>
            {
                p.AddWithValue("@id", snapshot.XcnUserId);
                p.AddWithValue("@link", snapshot.LinkJson);
                p.AddWithValue("@fetchedAt", snapshot.FetchedAt.ToUnixTimeMilliseconds());
                p.AddWithValue("@version", snapshot.Version);
            },
            cancellationToken);
        return saved == 1 ? SnapshotSaveResult.Saved : SnapshotSaveResult.Stale;
    }

    internal static SqliteSchema Schema { get; } = new("""
        CREATE TABLE IF NOT EXISTS link_snapshots (
            xcn_user_id TEXT NOT NULL PRIMARY KEY,
            link        TEXT NOT NULL,
            fetched_at  INTEGER NOT NULL,
            version     INTEGER NOT NULL
        );
        """);
}
