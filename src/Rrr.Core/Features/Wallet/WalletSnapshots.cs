namespace Rrr.Core.Features.Wallet;

/// <summary>
/// The last wallet RRR gave for one member (<c>wallet_snapshots</c>): the numbers as JSON, RRR's
/// <c>as_of</c> and <c>version</c>, and when the portal fetched it.
/// </summary>
public sealed record WalletSnapshot(string RrrMemberId, string WalletJson, DateTimeOffset AsOf, DateTimeOffset FetchedAt, long Version);

/// <summary>
/// Cache of RRR's wallet answers per member, shown when RRR is down. A save replaces the row only when its
/// version is newer, or the same version fetched later: an older answer never overwrites a newer one.
/// </summary>
public interface IWalletSnapshotStore
{
    Task<WalletSnapshot?> GetWalletSnapshotAsync(string rrrMemberId, CancellationToken cancellationToken);

    Task<SnapshotSaveResult> SaveWalletSnapshotAsync(WalletSnapshot snapshot, CancellationToken cancellationToken);
}
