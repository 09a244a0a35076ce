using System.Linq.Expressions;

namespace Rrr.Persistence.Mongo;

/// <summary>The lease both processors' queues (the webhook inbox, the earn outbox) take on a batch of due documents.</summary>
internal static class MongoClaims
{
    /// <summary>
    /// Picks up to <paramref name="max"/> <paramref name="due"/> documents in <paramref name="order"/>, leases them and
    /// reads them back in the order picked, in one transaction: another instance picking the same documents meets a
    /// write conflict, and its transaction runs again on what is still due.
    /// </summary>
    /// <param name="key">Text that tells two ids apart (a compound id has no equality of its own).</param>
    public static Task<List<TDocument>> ClaimAsync<TDocument, TId>(
        this MongoDatabaseContext context, IMongoCollection<TDocument> collection, Expression<Func<TDocument, TId>> id, Func<TId, string> key,
        FilterDefinition<TDocument> due, SortDefinition<TDocument> order, int max, UpdateDefinition<TDocument> lease,
        CancellationToken cancellationToken) =>
        context.InTransactionAsync(
            async (session, ct) =>
            {
                var filter = Builders<TDocument>.Filter;
                var ids = await collection.Find(session, due).Sort(order).Limit(max).Project(id).ToListAsync(ct);
                if (ids.Count == 0)
                {
                    return [];
                }

                await collection.UpdateManyAsync(session, filter.In(id, ids) & due, lease, cancellationToken: ct);
                var read = id.Compile();
                var claimed = (await collection.Find(session, filter.In(id, ids)).ToListAsync(ct))
                    .ToDictionary(d => key(read(d)), StringComparer.Ordinal);
                return ids.ConvertAll(i => claimed[key(i)]);
            },
            cancellationToken);
}
