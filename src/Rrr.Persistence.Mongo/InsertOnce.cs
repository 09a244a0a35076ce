namespace Rrr.Persistence.Mongo;

internal static class InsertOnce
{
    /// <summary>
    /// Inserts <paramref name="document"/> unless its <c>_id</c> (or another unique key) is taken: false then,
    /// which is how a retried write or a repeated submission stays one document.
    /// </summary>
    public static async Task<bool> TryAsync<TDocument>(IMongoCollection<TDocument> collection, TDocument document, CancellationToken cancellationToken)
    {
        try
        {
            await collection.InsertOneAsync(document, cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }
}
