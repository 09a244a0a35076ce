namespace Rrr.Persistence.Mongo;

/// <summary>
/// The database every Mongo port works in: its collections, the indexes each port declares, transactions
/// and health. Shared by every portal instance. The client is owned by the caller (DI), since one
/// <see cref="IMongoClient"/> per process holds the connection pool.
/// </summary>
public sealed class MongoDatabaseContext : IStoreLifecycle, IMongoTransactions
{
    private const int IndexOptionsConflict = 85;
    private const int IndexNotFound = 27;
    private const int CommandNotFound = 59;

    // Snapshot reads and majority commits: what SQLite's single writer gives, across instances.
    private static readonly TransactionOptions Transactions = new(readConcern: ReadConcern.Snapshot, writeConcern: WriteConcern.WMajority);

    /// <summary>Each port's indexes; creating an index that exists with the same keys, options and name is a no-op.</summary>
    private static readonly Func<MongoDatabaseContext, CancellationToken, Task>[] IndexSets =
    [
        MongoKeyRing.Collection.CreateIndexesAsync,
        MongoAuditStore.Collection.CreateIndexesAsync,
        MongoRrrCallLog.Collection.CreateIndexesAsync,
        MongoWebhookInbox.CreateIndexesAsync,
        MongoResourceVersions.CreateIndexesAsync,
        MongoEarnOutbox.Collection.CreateIndexesAsync,
        MongoAwardHistory.Collection.CreateIndexesAsync,
        MongoApprovalStore.CreateIndexesAsync,
        MongoCheckoutOrders.Collection.CreateIndexesAsync,
        MongoOpenLinkIntents.Collection.CreateIndexesAsync,
        MongoNotifications.Collection.CreateIndexesAsync,
    ];

    private readonly IMongoClient client;
    private readonly IMongoDatabase database;

    /// <param name="inboxRetention">How long the inbox keeps an event (its TTL); the processor's Retention, 30 days by default.</param>
    public MongoDatabaseContext(IMongoClient client, string databaseName, TimeSpan? inboxRetention = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        this.client = client;
        database = client.GetDatabase(databaseName);
        InboxRetention = inboxRetention ?? TimeSpan.FromDays(30);
    }

    internal TimeSpan InboxRetention { get; }

    /// <summary>A collection handle; cheap, so ports ask for one per use instead of holding fields.</summary>
    internal IMongoCollection<TDocument> Collection<TDocument>(string name) => database.GetCollection<TDocument>(name);

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // Before any index: an operator who pointed the portal at a standalone server learns it now,
        // as a setting problem (StartupProblems prints it), not at the first approval.
        if (MongoReplicaSetCheck.Check(await HelloAsync(cancellationToken)) is { } problem)
        {
            throw new OptionsValidationException(nameof(StoreOptions), typeof(StoreOptions), [problem]);
        }

        foreach (var create in IndexSets)
        {
            await create(this, cancellationToken);
        }
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

    public async Task<T> InTransactionAsync<T>(Func<IClientSessionHandle, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var session = await client.StartSessionAsync(cancellationToken: cancellationToken);

        // The driver commits when work returns, aborts when it throws, and runs it again on a transient error.
        return await session.WithTransactionAsync(work, Transactions, cancellationToken);
    }

    /// <summary>
    /// Creates <paramref name="indexes"/>, then drops <paramref name="replaced"/> (earlier definitions whose keys
    /// changed: an index name cannot be redefined in place), so a query never runs without one. A TTL whose
    /// duration changed is modified in place.
    /// </summary>
    internal async Task CreateIndexesAsync<TDocument>(
        string collectionName, IReadOnlyList<CreateIndexModel<TDocument>> indexes, IReadOnlyList<string> replaced, CancellationToken cancellationToken)
    {
        var collection = Collection<TDocument>(collectionName);
        foreach (var index in indexes)
        {
            try
            {
                await collection.Indexes.CreateOneAsync(index, cancellationToken: cancellationToken);
            }
            catch (MongoCommandException ex) when (ex.Code == IndexOptionsConflict && index.Options?.ExpireAfter is { } expireAfter)
            {
                // The retention setting changed: collMod changes a TTL in place, without rebuilding the index.
                await database.RunCommandAsync<BsonDocument>(
                    new BsonDocument
                    {
                        ["collMod"] = collectionName,
                        ["index"] = new BsonDocument { ["name"] = index.Options.Name, ["expireAfterSeconds"] = (long)expireAfter.TotalSeconds },
                    },
                    cancellationToken: cancellationToken);
            }
        }

        foreach (var name in replaced)
        {
            try
            {
                await collection.Indexes.DropOneAsync(name, cancellationToken);
            }
            catch (MongoCommandException ex) when (ex.Code == IndexNotFound || ex.CodeName == "NamespaceNotFound")
            {
                // Already gone, or a new database.
            }
        }
    }

    private async Task<BsonDocument> HelloAsync(CancellationToken cancellationToken)
    {
        var admin = client.GetDatabase("admin");
        try
        {
            return await admin.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken);
        }
        catch (MongoCommandException ex) when (ex.Code == CommandNotFound)
        {
            // Servers before 4.4.2 know only the legacy name; the reply carries the same fields.
            return await admin.RunCommandAsync<BsonDocument>(new BsonDocument("isMaster", 1), cancellationToken: cancellationToken);
        }
    }
}
