using MongoDB.Driver;
using Rrr.Persistence.Mongo;

namespace Rrr.Portal.Tests.Persistence.Adapters;

/// <summary>
/// The MongoDB adapter over a database of its own on the server named by RRR_TEST_MONGO (a connection
/// string to a replica set: a single node started with --replSet and rs.initiate() is enough, since the
/// adapter uses multi-document transactions and refuses a standalone at initialisation). Without it every test reports as skipped with the reason, so a green run never hides an
/// untested adapter.
/// </summary>
public sealed class MongoAdapter : StoreAdapter
{
    public const string Variable = "RRR_TEST_MONGO";

    // One prefix per test run, one database per test: runs and tests never share data.
    private static readonly string RunPrefix = $"rrr_test_{DateTime.UtcNow:yyyyMMddHHmmss}_{Guid.NewGuid():N}"[..36];

    private readonly Lock gate = new();
    private MongoClient? client;

    public string DatabaseName { get; } = $"{RunPrefix}_{Guid.NewGuid():N}"[..60];

    /// <summary>This test's database; only after <see cref="Open"/> has not skipped.</summary>
    public IMongoDatabase Database => client!.GetDatabase(DatabaseName);

    public override PortalStores Open()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Skip($"{Variable} is not set: MongoDB contract run skipped");
        }

        MongoClient current;
        lock (gate)
        {
            current = client ??= new MongoClient(connectionString);
        }

        var context = new MongoDatabaseContext(current, DatabaseName);
        return new PortalStores(
            context,
            new MongoKeyRing(context),
            new MongoAuditStore(context),
            new MongoRrrCallLog(context),
            new MongoWebhookInbox(context),
            new MongoResourceVersions(context),
            new MongoWalletSnapshots(context),
            new MongoLinkSnapshots(context),
            new MongoEarnOutbox(context),
            new MongoAwardHistory(context),
            new MongoApprovalStore(context),
            new MongoCheckoutOrders(context),
            new MongoOpenLinkIntents(context),
            new MongoNotifications(context));
    }

    public override async Task<bool> StorageExistsAsync()
    {
        var names = await (await client!.ListDatabaseNamesAsync(Ct)).ToListAsync(Ct);
        return names.Contains(DatabaseName);
    }

    public override async ValueTask DisposeAsync()
    {
        if (client is null)
        {
            return;
        }

        await client.DropDatabaseAsync(DatabaseName);
        client.Dispose();
    }
}
