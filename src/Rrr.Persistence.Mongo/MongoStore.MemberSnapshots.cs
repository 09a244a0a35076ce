using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Wallet;

namespace Rrr.Persistence.Mongo;

/// <summary>
/// Last known wallet and link answers from RRR, one document per member / XCN user (<c>_id</c>). A save is
/// one conditional upsert, atomic per document: it matches only an older row, and when the stored row is
/// newer the upsert's insert collides on <c>_id</c>, which is exactly "stale".
/// </summary>
public sealed partial class MongoStore : IWalletSnapshotStore, ILinkSnapshotStore
{
    internal const string WalletSnapshotsCollection = "wallet_snapshots";
    internal const string LinkSnapshotsCollection = "link_snapshots";

    private IMongoCollection<WalletSnapshotDocument> WalletSnapshots =>
        database.GetCollection<WalletSnapshotDocument>(WalletSnapshotsCollection);

    private IMongoCollection<LinkSnapshotDocument> LinkSnapshots =>
        database.GetCollection<LinkSnapshotDocument>(LinkSnapshotsCollection);

    public async Task<WalletSnapshot?> GetWalletSnapshotAsync(string rrrMemberId, CancellationToken cancellationToken)
    {
        var document = await WalletSnapshots.Find(Builders<WalletSnapshotDocument>.Filter.Eq(d => d.Id, rrrMemberId))
            .FirstOrDefaultAsync(cancellationToken);
        return document is null
            ? null
            : new WalletSnapshot(document.Id, document.Wallet, Utc(document.AsOf), Utc(document.FetchedAt), document.Version);
    }

    public async Task<SnapshotSaveResult> SaveWalletSnapshotAsync(WalletSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var filter = Builders<WalletSnapshotDocument>.Filter;
        var fetchedAt = BsonTime.From(snapshot.FetchedAt);
        var olderThanThis = filter.Eq(d => d.Id, snapshot.RrrMemberId)
            & (filter.Lt(d => d.Version, snapshot.Version)
               | (filter.Eq(d => d.Version, snapshot.Version) & filter.Lte(d => d.FetchedAt, fetchedAt)));
        var update = Builders<WalletSnapshotDocument>.Update
            .Set(d => d.Wallet, snapshot.WalletJson)
            .Set(d => d.AsOf, BsonTime.From(snapshot.AsOf))
            .Set(d => d.FetchedAt, fetchedAt)
            .Set(d => d.Version, snapshot.Version);
        return await UpsertIfOlderAsync(WalletSnapshots, olderThanThis, update, cancellationToken);
    }

    public async Task<LinkSnapshot?> GetLinkSnapshotAsync(string xcnUserId, CancellationToken cancellationToken)
    {
        var document = await LinkSnapshots.Find(Builders<LinkSnapshotDocument>.Filter.Eq(d => d.Id, xcnUserId))
            .FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : new LinkSnapshot(document.Id, document.Link, document.Version, Utc(document.FetchedAt));
    }

    public async Task<SnapshotSaveResult> SaveLinkSnapshotAsync(LinkSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var filter = Builders<LinkSnapshotDocument>.Filter;
        var fetchedAt = BsonTime.From(snapshot.FetchedAt);
        var olderThanThis = filter.Eq(d => d.Id, snapshot.XcnUserId)
            & (filter.Lt(d => d.Version, snapshot.Version)
               | (filter.Eq(d => d.Version, snapshot.Version) & filter.Lte(d => d.FetchedAt, fetchedAt)));
        var update = Builders<LinkSnapshotDocument>.Update
            .Set(d => d.Link, snapshot.LinkJson)
            .Set(d => d.FetchedAt, fetchedAt)
            .Set(d => d.Version, snapshot.Version);
        return await UpsertIfOlderAsync(LinkSnapshots, olderThanThis, update, cancellationToken);
    }

    private static async Task<SnapshotSaveResult> UpsertIfOlderAsync<TDocument>(
        IMongoCollection<TDocument> collection, FilterDefinition<TDocument> olderThanThis, UpdateDefinition<TDocument> update,
        CancellationToken cancellationToken)
    {
        // Two first-ever saves race on the insert: the loser sees a duplicate key although it may be the
        // newer one. The second try meets the inserted row, so its filter decides honestly.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await collection.UpdateOneAsync(olderThanThis, update, new UpdateOptions { IsUpsert = true }, cancellationToken);
                return SnapshotSaveResult.Saved;
            }
            catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey && attempt == 2)
            {
                return SnapshotSaveResult.Stale;
            }
            catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
            {
            }
        }
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);
}

internal sealed class WalletSnapshotDocument
{
    /// <summary>The RRR member id.</summary>
    [BsonId]
    public string Id { get; set; } = "";

    [BsonElement("wallet")]
    public string Wallet { get; set; } = "";

    [BsonElement("as_of")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime AsOf { get; set; }

    [BsonElement("fetched_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime FetchedAt { get; set; }

    [BsonElement("version")]
    public long Version { get; set; }
}

internal sealed class LinkSnapshotDocument
{
    /// <summary>The XCN user id.</summary>
    [BsonId]
    public string Id { get; set; } = "";

    [BsonElement("link")]
    public string Link { get; set; } = "";

    [BsonElement("fetched_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime FetchedAt { get; set; }

    [BsonElement("version")]
    public long Version { get; set; }
}
