namespace Rrr.Persistence.Mongo;

/// <summary>The last wallet answer from RRR per member (<c>_id</c> = RRR member id); saved only over an older one.</summary>
public sealed class MongoWalletSnapshots(MongoDatabaseContext context) : IWalletSnapshotStore
{
    internal const string CollectionName = "wallet_snapshots";

    private IMongoCollection<WalletSnapshotDocument> Snapshots => context.Collection<WalletSnapshotDocument>(CollectionName);

    public async Task<WalletSnapshot?> GetWalletSnapshotAsync(string rrrMemberId, CancellationToken cancellationToken)
    {
        var document = await Snapshots.Find(Builders<WalletSnapshotDocument>.Filter.Eq(d => d.Id, rrrMemberId)).FirstOrDefaultAsync(cancellationToken);
        return document is null
            ? null
            : new WalletSnapshot(document.Id, document.Wallet, BsonTime.Utc(document.AsOf), BsonTime.Utc(document.FetchedAt), document.Version);
    }

    public Task<SnapshotSaveResult> SaveWalletSnapshotAsync(WalletSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var update = Builders<WalletSnapshotDocument>.Update.Set(d => d.Wallet, snapshot.WalletJson).Set(d => d.AsOf, BsonTime.From(snapshot.AsOf));
        return SnapshotUpsert.IfOlderAsync(Snapshots, snapshot.RrrMemberId, snapshot.Version, snapshot.FetchedAt, update, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListMembersAsync(string? afterMemberId, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);

        // _id order: the primary index serves both the range and the sort.
        return await Snapshots.Find(Builders<WalletSnapshotDocument>.Filter.Gt(d => d.Id, afterMemberId ?? ""))
            .SortBy(d => d.Id)
            .Limit(take)
            .Project(d => d.Id)
            .ToListAsync(cancellationToken);
    }
}

internal sealed class WalletSnapshotDocument
{
    /// <summary>The RRR member id.</summary>
    public string Id { get; set; } = "";

    public string Wallet { get; set; } = "";

    public DateTime AsOf { get; set; }

    public DateTime FetchedAt { get; set; }

    public long Version { get; set; }
}
