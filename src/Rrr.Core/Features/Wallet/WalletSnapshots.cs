namespace Rrr.Core.Features.Wallet;

/// <summary>
/// The last wallet RRR gave for one member (<c>wallet_snapshots</c>): the numbers as JSON, RRR's
/// <c>as_of</c> and <c>version</c>, and when the portal fetched it.
/// </summary>
public sealed record WalletSnapshot(string RrrMemberId, string WalletJson, DateTimeOffset AsOf, DateTimeOffset FetchedAt, long Version)
{
    /// <summary>RRR's answer as it is stored.</summary>
    public static WalletSnapshot Of(MemberWallet wallet, DateTimeOffset fetchedAt)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        return new(wallet.RrrMemberId, JsonSerializer.Serialize(wallet, RrrJson.Options), wallet.AsOf, fetchedAt, wallet.Version);
    }

    /// <summary>The stored numbers as RRR's wallet record.</summary>
    public MemberWallet ToWallet() =>
        JsonSerializer.Deserialize<MemberWallet>(WalletJson, RrrJson.Options)
        ?? throw new InvalidOperationException("Empty wallet snapshot.");
}

/// <summary>
/// Cache of RRR's wallet answers per member, shown when RRR is down. A save replaces the row only when its
/// version is newer, or the same version fetched later: an older answer never overwrites a newer one.
/// </summary>
public interface IWalletSnapshotStore
{
    Task<WalletSnapshot?> GetWalletSnapshotAsync(string rrrMemberId, CancellationToken cancellationToken);

    Task<SnapshotSaveResult> SaveWalletSnapshotAsync(WalletSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>
    /// The RRR member ids with a stored wallet, in id order after <paramref name="afterMemberId"/> (null: from the
    /// start), at most <paramref name="take"/>: the members who use the portal, for jobs that walk them all.
    /// </summary>
    Task<IReadOnlyList<string>> ListMembersAsync(string? afterMemberId, int take, CancellationToken cancellationToken);
}

public static class WalletSnapshotStoreExtensions
{
    /// <summary>
    /// Stores RRR's answer and returns the newest wallet known: this one, or the later one a concurrent read
    /// (another tab, another instance) stored first.
    /// </summary>
    public static async Task<WalletSnapshot> RememberAsync(this IWalletSnapshotStore store, WalletSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(snapshot);
        return await store.SaveWalletSnapshotAsync(snapshot, cancellationToken) == SnapshotSaveResult.Stale
            && await store.GetWalletSnapshotAsync(snapshot.RrrMemberId, cancellationToken) is { } newer
            && newer.Version > snapshot.Version
                ? newer
                : snapshot;
    }
}
