using Microsoft.Data.Sqlite;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Wallet;

namespace Rrr.Persistence.Sqlite;

/// <summary>Last known wallet and link answers from RRR, versioned so an older answer never replaces a newer one.</summary>
public sealed partial class SqliteStore : IWalletSnapshotStore, ILinkSnapshotStore
{
    private const string MemberSnapshotsSchemaSql = """
        CREATE TABLE IF NOT EXISTS wallet_snapshots (
            rrr_member_id TEXT NOT NULL PRIMARY KEY,
            wallet        TEXT NOT NULL,
            as_of         INTEGER NOT NULL,
            fetched_at    INTEGER NOT NULL,
            version       INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS link_snapshots (
            xcn_user_id TEXT NOT NULL PRIMARY KEY,
            link        TEXT NOT NULL,
            fetched_at  INTEGER NOT NULL,
            version     INTEGER NOT NULL
        );
        """;

    public async Task<WalletSnapshot?> GetWalletSnapshotAsync(string rrrMemberId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT wallet, as_of, fetched_at, version FROM wallet_snapshots WHERE rrr_member_id = @id;";
        command.Parameters.AddWithValue("@id", rrrMemberId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new WalletSnapshot(rrrMemberId, reader.GetString(0), FromUnixMs(reader.GetInt64(1)), FromUnixMs(reader.GetInt64(2)), reader.GetInt64(3))
            : null;
    }

    public async Task<SnapshotSaveResult> SaveWalletSnapshotAsync(WalletSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // The WHERE on the upsert is the whole ordering rule; SQLite runs it under its write lock.
        command.CommandText = """
            INSERT INTO wallet_snapshots (rrr_member_id, wallet, as_of, fetched_at, version)
            VALUES (@id, @wallet, @asOf, @fetchedAt, @version)
            ON CONFLICT (rrr_member_id) DO UPDATE SET
                wallet = excluded.wallet, as_of = excluded.as_of, fetched_at = excluded.fetched_at, version = excluded.version
            WHERE excluded.version > wallet_snapshots.version
               OR (excluded.version = wallet_snapshots.version AND excluded.fetched_at >= wallet_snapshots.fetched_at);
            """;
        command.Parameters.AddWithValue("@id", snapshot.RrrMemberId);
        command.Parameters.AddWithValue("@wallet", snapshot.WalletJson);
        command.Parameters.AddWithValue("@asOf", snapshot.AsOf.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@fetchedAt", snapshot.FetchedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@version", snapshot.Version);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? SnapshotSaveResult.Saved : SnapshotSaveResult.Stale;
    }

    public async Task<LinkSnapshot?> GetLinkSnapshotAsync(string xcnUserId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT link, fetched_at, version FROM link_snapshots WHERE xcn_user_id = @id;";
        command.Parameters.AddWithValue("@id", xcnUserId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new LinkSnapshot(xcnUserId, reader.GetString(0), reader.GetInt64(2), FromUnixMs(reader.GetInt64(1)))
            : null;
    }

    public async Task<SnapshotSaveResult> SaveLinkSnapshotAsync(LinkSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO link_snapshots (xcn_user_id, link, fetched_at, version)
            VALUES (@id, @link, @fetchedAt, @version)
            ON CONFLICT (xcn_user_id) DO UPDATE SET
                link = excluded.link, fetched_at = excluded.fetched_at, version = excluded.version
            WHERE excluded.version > link_snapshots.version
               OR (excluded.version = link_snapshots.version AND excluded.fetched_at >= link_snapshots.fetched_at);
            """;
        command.Parameters.Add(new SqliteParameter("@id", snapshot.XcnUserId));
        command.Parameters.AddWithValue("@link", snapshot.LinkJson);
        command.Parameters.AddWithValue("@fetchedAt", snapshot.FetchedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@version", snapshot.Version);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? SnapshotSaveResult.Saved : SnapshotSaveResult.Stale;
    }
}
