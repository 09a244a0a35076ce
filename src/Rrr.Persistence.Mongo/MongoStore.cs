using MongoDB.Bson;
using MongoDB.Driver;
using Rrr.Core.Features.Audit;
using Rrr.Core.Persistence;

namespace Rrr.Persistence.Mongo;

/// <summary>
/// Production store: MongoDB, shared by every portal instance. The client is owned by the caller
/// (DI), since one <see cref="IMongoClient"/> per process holds the connection pool.
/// </summary>
public sealed partial class MongoStore : IStoreLifecycle, IKeyRingStore, IAuditStore
{
    internal const string KeysCollection = "data_protection_keys";
    internal const string AuditCollection = "audit_events";

    private readonly IMongoDatabase database;
    private readonly IMongoCollection<KeyDocument> keys;
    private readonly IMongoCollection<AuditDocument> audit;

    public MongoStore(IMongoClient client, string databaseName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        database = client.GetDatabase(databaseName);
        keys = database.GetCollection<KeyDocument>(KeysCollection);
        audit = database.GetCollection<AuditDocument>(AuditCollection);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // Creating an index that already exists with the same keys, options and name is a no-op,
        // so this runs on every start-up. Creating one also creates its collection.
        await keys.Indexes.CreateOneAsync(
            new CreateIndexModel<KeyDocument>(
                Builders<KeyDocument>.IndexKeys.Ascending(k => k.FriendlyName),
                new CreateIndexOptions { Name = "ux_friendly_name", Unique = true }),
            cancellationToken: cancellationToken);

        var index = Builders<AuditDocument>.IndexKeys;
        await audit.Indexes.CreateManyAsync(
            [
                new CreateIndexModel<AuditDocument>(
                    index.Descending(a => a.OccurredAt),
                    new CreateIndexOptions { Name = "ix_occurred_at" }),
                new CreateIndexModel<AuditDocument>(
                    index.Ascending(a => a.ActorId).Descending(a => a.OccurredAt),
                    new CreateIndexOptions { Name = "ix_actor_occurred_at" }),
                new CreateIndexModel<AuditDocument>(
                    index.Ascending(a => a.Kind).Descending(a => a.OccurredAt),
                    new CreateIndexOptions { Name = "ix_kind_occurred_at" }),
                new CreateIndexModel<AuditDocument>(
                    index.Ascending(a => a.ActorId).Ascending(a => a.Kind).Descending(a => a.OccurredAt),
                    new CreateIndexOptions { Name = "ix_actor_kind_occurred_at" }),
            ],
            cancellationToken);
        await InitializeRrrCallsAsync(cancellationToken);
        await InitializeWebhookInboxAsync(cancellationToken);
        await InitializeEarnOutboxAsync(cancellationToken);
        await InitializeAwardHistoryAsync(cancellationToken);
        await InitializeApprovalsAsync(cancellationToken);
        await InitializeCheckoutOrdersAsync(cancellationToken);
        await InitializeOpenLinkIntentsAsync(cancellationToken);
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await database.RunCommandAsync(
                new BsonDocumentCommand<BsonDocument>(new BsonDocument("ping", 1)),
                cancellationToken: cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            // A readiness probe answers "not ready"; the exception itself surfaces on real calls.
            return false;
        }
    }

    public async Task<IReadOnlyList<StoredKey>> GetAllAsync(CancellationToken cancellationToken)
    {
        var documents = await keys.Find(FilterDefinition<KeyDocument>.Empty)
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
        await keys.UpdateOneAsync(
            Builders<KeyDocument>.Filter.Eq(k => k.FriendlyName, key.FriendlyName),
            update,
            new UpdateOptions { IsUpsert = true },
            cancellationToken);
    }

    public async Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        try
        {
            await audit.InsertOneAsync(AuditDocument.From(auditEvent), cancellationToken: cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // Same event id already stored: a retried append, which must not become a second entry.
        }
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        AuditQueryRules.Validate(query);
        var filter = Builders<AuditDocument>.Filter;
        var where = filter.Empty;
        if (query.ActorId is not null)
        {
            where &= filter.Eq(a => a.ActorId, query.ActorId);
        }

        if (query.Kind is not null)
        {
            where &= filter.Eq(a => a.Kind, query.Kind);
        }

        if (query.From is { } from)
        {
            where &= filter.Gte(a => a.OccurredAt, BsonTime.From(from));
        }

        if (query.To is { } to)
        {
            where &= filter.Lt(a => a.OccurredAt, BsonTime.From(to));
        }

        // Two reads, not one snapshot: without a transaction the total may lag the page by an
        // append made in between, which an audit screen tolerates.
        var total = query.CountTotal
            ? await audit.CountDocumentsAsync(where, new CountOptions { Limit = query.CountUpTo + 1L }, cancellationToken)
            : AuditPage.NotCounted;
        var lowerBound = query.CountUpTo is { } cap && total > cap;
        if (lowerBound)
        {
            total = query.CountUpTo!.Value;
        }

        if (query.Before is { } before)
        {
            var at = BsonTime.From(before.OccurredAt);
            where &= filter.Lt(a => a.OccurredAt, at) | (filter.Eq(a => a.OccurredAt, at) & filter.Lt(a => a.Id, before.Id));
        }

        var documents = await audit.Find(where)
            .Sort(Builders<AuditDocument>.Sort.Descending(a => a.OccurredAt).Descending(a => a.Id))
            .Skip(query.Skip)
            .Limit(query.Take)
            .ToListAsync(cancellationToken);
        return new AuditPage(documents.ConvertAll(d => d.ToAuditEvent()), total, lowerBound);
    }
}
