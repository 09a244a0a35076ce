namespace Rrr.Persistence.Mongo;

/// <summary>
/// A port's collection: its name and the indexes it declares, with the earlier index names they replace.
/// <see cref="MongoDatabaseContext"/> creates the indexes at start-up; the port asks for a handle per use.
/// </summary>
internal sealed class PortCollection<TDocument>(
    string name,
    Func<IndexKeysDefinitionBuilder<TDocument>, IReadOnlyList<CreateIndexModel<TDocument>>> indexes,
    params IReadOnlyList<string> replaced)
{
    public string Name => name;

    public IMongoCollection<TDocument> In(MongoDatabaseContext context) => context.Collection<TDocument>(name);

    public Task CreateIndexesAsync(MongoDatabaseContext context, CancellationToken cancellationToken) =>
        context.CreateIndexesAsync(name, indexes(Builders<TDocument>.IndexKeys), replaced, cancellationToken);
}
