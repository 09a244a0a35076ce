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
        return await SqliteSnapshotUpsert.IfOlderAsync(
            database, "link_snapshots", ("xcn_user_id", snapshot.XcnUserId), snapshot.Version, snapshot.FetchedAt,
            [("link", snapshot.LinkJson)], cancellationToken);
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
