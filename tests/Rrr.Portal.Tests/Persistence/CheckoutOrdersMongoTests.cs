using MongoDB.Driver;
using Rrr.Core.Persistence.Mongo;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>The checkout order contract against the MongoDB named by RRR_TEST_MONGO; skipped (with the reason) without it.</summary>
public sealed class CheckoutOrdersMongoTests : CheckoutOrdersContract
{
    private const string Variable = "RRR_TEST_MONGO";

    private readonly string databaseName = $"rrr_test_checkout_{Guid.NewGuid():N}"[..40];
    private MongoClient? client;

    protected override CheckoutStoreUnderTest OpenStore()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Skip("RRR_TEST_MONGO is not set: MongoDB contract run skipped");
        }

        client ??= new MongoClient(connectionString);
        var store = new MongoStore(client, databaseName);
        return new CheckoutStoreUnderTest(store, store);
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
