using System.Linq.Expressions;

namespace Rrr.Persistence.Mongo;

/// <summary>
/// A count and one page of documents from one snapshot (a read transaction), as SQLite's deferred read
/// transaction gives them: the total never disagrees with the page by a write made in between.
/// </summary>
internal static class MongoPage
{
    /// <summary>Adds an equality on <paramref name="field"/> only when the filter <paramref name="value"/> is given.</summary>
    public static FilterDefinition<TDocument> AndEqIfGiven<TDocument>(
        this FilterDefinition<TDocument> where, Expression<Func<TDocument, string?>> field, string? value) =>
        value is null ? where : where & Builders<TDocument>.Filter.Eq(field, value);

    public static Task<(long Total, List<TDocument> Documents)> ReadAsync<TDocument>(
        MongoDatabaseContext context,
        IMongoCollection<TDocument> collection,
        FilterDefinition<TDocument>? counted,
        CountOptions? countOptions,
        FilterDefinition<TDocument> page,
        SortDefinition<TDocument> sort,
        int skip,
        int take,
        CancellationToken cancellationToken) =>
        context.InTransactionAsync(
            async (session, ct) =>
            {
                // Null: the caller wants no count (a screen that pages by cursor).
                var total = counted is null ? 0 : await collection.CountDocumentsAsync(session, counted, countOptions, ct);
                var documents = await collection.Find(session, page).Sort(sort).Skip(skip).Limit(take).ToListAsync(ct);
                return (total, documents);
            },
            cancellationToken);
}
