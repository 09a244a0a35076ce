using MongoDB.Driver;
using Rrr.Core.Persistence.Mongo;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>
/// Runs the contract against the MongoDB named by RRR_TEST_MONGO (a connection string). Without it
/// every test reports as skipped with the reason, so a green run never hides an untested adapter.
/// </summary>
public sealed class MongoStoreContractTests : StoreContract
{
    private const string Variable = "RRR_TEST_MONGO";

    // One prefix per test run, one database per test: runs and tests never share data.
    private static readonly string RunPrefix = $"rrr_test_{DateTime.UtcNow:yyyyMMddHHmmss}_{Guid.NewGuid():N}"[..36];

    private readonly string databaseName = $"{RunPrefix}_{Guid.NewGuid():N}"[..60];
    private MongoClient? client;

    protected override StoreUnderTest OpenStore()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Skip("RRR_TEST_MONGO is not set: MongoDB contract run skipped");
        }

        client ??= new MongoClient(connectionString);
        var store = new MongoStore(client, databaseName);
        return new StoreUnderTest(store, store, store);
    }

    protected override async Task<bool> StorageExistsAsync()
    {
        var names = await (await client!.ListDatabaseNamesAsync(Ct)).ToListAsync(Ct);
        return names.Contains(databaseName);
    }

    public override async ValueTask DisposeAsync()
    {
        if (client is null)
        {
            return;
        }

        await client.DropDatabaseAsync(databaseName);
        client.Dispose();
    }
}
