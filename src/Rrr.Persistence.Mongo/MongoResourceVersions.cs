namespace Rrr.Persistence.Mongo;

/// <summary>
/// The newest applied version of each resource, one document per (type, id) in <c>_id</c>. A state is
/// applied by a conditional upsert that matches only an older row; against an equal or newer row the
/// upsert's insert collides on <c>_id</c>, which is exactly "stale".
/// </summary>
public sealed class MongoResourceVersions(MongoDatabaseContext context) : IResourceVersions
{
    internal const string CollectionName = "resource_versions";

    private IMongoCollection<ResourceVersionDocument> Resources => context.Collection<ResourceVersionDocument>(CollectionName);

    /// <summary>Creates the collection up front (and with it the unique _id index), so the first upsert races nothing.</summary>
    internal static Task CreateIndexesAsync(MongoDatabaseContext context, CancellationToken cancellationToken) =>
        context.CreateIndexesAsync<ResourceVersionDocument>(
            CollectionName,
            [Builders<ResourceVersionDocument>.IndexKeys.Ascending(d => d.AppliedAt).Named("ix_applied_at")],
            [],
            cancellationToken);

    public async Task<ResourceApplyResult> TryApplyAsync(ResourceState state, CancellationToken cancellationToken) =>
        (await TryApplyManyAsync([state], cancellationToken))[0];

    public async Task<IReadOnlyList<ResourceApplyResult>> TryApplyManyAsync(IReadOnlyList<ResourceState> states, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(states);
        var writes = states.Select(ApplyIfNewer).ToList();
        var results = new ResourceApplyResult[states.Count];

        // One ordered bulk write, so a later state of the same resource meets the earlier one. An ordered
        // bulk stops at its first error: that state is stale, and the rest goes again from the next one.
        var start = 0;
        while (start < writes.Count)
        {
            try
            {
                await Resources.BulkWriteAsync(writes.Skip(start), new BulkWriteOptions { IsOrdered = true }, cancellationToken);
                Array.Fill(results, ResourceApplyResult.Applied, start, writes.Count - start);
                break;
            }
            catch (MongoBulkWriteException<ResourceVersionDocument> ex)
                when (ex.WriteErrors is [{ Category: ServerErrorCategory.DuplicateKey }] && ex.WriteConcernError is null)
            {
                var stale = start + ex.WriteErrors[0].Index;
                Array.Fill(results, ResourceApplyResult.Applied, start, stale - start);
                results[stale] = ResourceApplyResult.Stale;
                start = stale + 1;
            }
        }

        return results;
    }

    public async Task<ResourceState?> GetAsync(string resourceType, string resourceId, CancellationToken cancellationToken)
    {
        var key = new ResourceKey { ResourceType = resourceType, ResourceId = resourceId };
        var document = await Resources.Find(Builders<ResourceVersionDocument>.Filter.Eq(d => d.Id, key)).FirstOrDefaultAsync(cancellationToken);
        return document is null
            ? null
            : new ResourceState(resourceType, resourceId, document.Version, document.EventId, document.EventType, document.Data, BsonTime.Utc(document.AppliedAt));
    }

    private static UpdateOneModel<ResourceVersionDocument> ApplyIfNewer(ResourceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var filter = Builders<ResourceVersionDocument>.Filter;
        var key = new ResourceKey { ResourceType = state.ResourceType, ResourceId = state.ResourceId };
        var update = Builders<ResourceVersionDocument>.Update
            .Set(d => d.Version, state.Version)
            .Set(d => d.EventId, state.EventId)
            .Set(d => d.EventType, state.EventType)
            .Set(d => d.Data, state.Data)
            .Set(d => d.AppliedAt, BsonTime.From(state.AppliedAt));
        return new UpdateOneModel<ResourceVersionDocument>(filter.Eq(d => d.Id, key) & filter.Lt(d => d.Version, state.Version), update) { IsUpsert = true };
    }
}

internal sealed class ResourceKey
{
    public string ResourceType { get; set; } = "";

    public string ResourceId { get; set; } = "";
}

internal sealed class ResourceVersionDocument
{
    public ResourceKey Id { get; set; } = new();

    public long Version { get; set; }

    public string EventId { get; set; } = "";

    public string EventType { get; set; } = "";

    public string Data { get; set; } = "";

    public DateTime AppliedAt { get; set; }
}
