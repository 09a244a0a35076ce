namespace Rrr.Persistence.Mongo;

/// <summary>The last link answer from RRR per XCN user (<c>_id</c> = XCN user id); saved only over an older one.</summary>
public sealed class MongoLinkSnapshots(MongoDatabaseContext context) : ILinkSnapshotStore
{
    internal const string CollectionName = "link_snapshots";

    private IMongoCollection<LinkSnapshotDocument> Snapshots => context.Collection<LinkSnapshotDocument>(CollectionName);

    public async Task<LinkSnapshot?> GetLinkSnapshotAsync(string xcnUserId, CancellationToken cancellationToken)
    {
        var document = await Snapshots.Find(Builders<LinkSnapshotDocument>.Filter.Eq(d => d.Id, xcnUserId)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : new LinkSnapshot(document.Id, document.Link, document.Version, BsonTime.Utc(document.FetchedAt));
    }

    public Task<SnapshotSaveResult> SaveLinkSnapshotAsync(LinkSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var update = Builders<LinkSnapshotDocument>.Update.Set(d => d.Link, snapshot.LinkJson);
        return SnapshotUpsert.IfOlderAsync(Snapshots, snapshot.XcnUserId, snapshot.Version, snapshot.FetchedAt, update, cancellationToken);
    }
}

internal sealed class LinkSnapshotDocument
{
    /// <summary>The XCN user id.</summary>
    public string Id { get; set; } = "";

    public string Link { get; set; } = "";

    public DateTime FetchedAt { get; set; }

    public long Version { get; set; }
}
