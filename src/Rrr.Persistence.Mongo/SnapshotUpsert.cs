namespace Rrr.Persistence.Mongo;

/// <summary>
/// The save both snapshot ports share: one conditional upsert, atomic per document, that matches only an
/// older row (lower version, or the same version fetched no later); when the stored row is newer the
/// upsert's insert collides on <c>_id</c>, which is exactly "stale". Both documents store version and fetched_at.
/// </summary>
internal static class SnapshotUpsert
{
    public static async Task<SnapshotSaveResult> IfOlderAsync<TDocument>(
        IMongoCollection<TDocument> collection, string id, long version, DateTimeOffset fetchedAt, UpdateDefinition<TDocument> body,
        CancellationToken cancellationToken)
    {
        var filter = Builders<TDocument>.Filter;
        var at = BsonTime.From(fetchedAt);
        var olderThanThis = filter.Eq("_id", id) & (filter.Lt("version", version) | (filter.Eq("version", version) & filter.Lte("fetched_at", at)));
        var update = Builders<TDocument>.Update.Combine(body, Builders<TDocument>.Update.Set("fetched_at", at).Set("version", version));

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
}
