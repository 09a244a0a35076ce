namespace Rrr.Persistence.Mongo;

internal static class MongoIndex
{
    /// <summary>
    /// An index under a name of its own: the name is what <see cref="MongoDatabaseContext.CreateIndexesAsync"/> drops a
    /// replaced definition by, and what a changed TTL is modified by. Options left null stay unset, as before.
    /// </summary>
    public static CreateIndexModel<TDocument> Named<TDocument>(
        this IndexKeysDefinition<TDocument> keys, string name, bool? unique = null, TimeSpan? expireAfter = null) =>
        new(keys, new CreateIndexOptions { Name = name, Unique = unique, ExpireAfter = expireAfter });
}
