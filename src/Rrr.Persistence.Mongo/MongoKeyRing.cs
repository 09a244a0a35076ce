namespace Rrr.Persistence.Mongo;

/// <summary>The data-protection key ring, one document per key, unique by friendly name.</summary>
public sealed class MongoKeyRing(MongoDatabaseContext context) : IKeyRingStore
{
    internal static PortCollection<KeyDocument> Collection { get; } = new(
        "data_protection_keys", index => [index.Ascending(k => k.FriendlyName).Named("ux_friendly_name", unique: true)]);

    private IMongoCollection<KeyDocument> Keys => Collection.In(context);

    public async Task<IReadOnlyList<StoredKey>> GetAllAsync(CancellationToken cancellationToken)
    {
        var documents = await Keys.Find(FilterDefinition<KeyDocument>.Empty)
            .Sort(Builders<KeyDocument>.Sort.Ascending(k => k.CreatedAt).Ascending(k => k.FriendlyName))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToStoredKey());
    }

    public async Task SaveAsync(StoredKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);

        // An update-upsert rather than a replace: the existing _id stays, and a new one is generated
        // by the server only when the name is new.
        var update = Builders<KeyDocument>.Update
            .Set(k => k.Xml, key.Xml)
            .Set(k => k.CreatedAt, BsonTime.From(key.CreatedAt));
        await Keys.UpdateOneAsync(
            Builders<KeyDocument>.Filter.Eq(k => k.FriendlyName, key.FriendlyName),
            update,
            new UpdateOptions { IsUpsert = true },
            cancellationToken);
    }
}

internal sealed class KeyDocument
{
    public ObjectId Id { get; set; }

    public string FriendlyName { get; set; } = "";

    public string Xml { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public StoredKey ToStoredKey() => new(FriendlyName, Xml, BsonTime.Utc(CreatedAt));
}
