using MongoDB.Driver;
using Rrr.Core.Persistence.Mongo;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>The open link intent contract against the MongoDB named by RRR_TEST_MONGO; skipped (with the reason) without it.</summary>
public sealed class OpenLinkIntentsMongoTests : OpenLinkIntentsContract
{
    private const string Variable = "RRR_TEST_MONGO";

    private readonly string databaseName = $"rrr_test_oli_{Guid.NewGuid():N}"[..40];
    private readonly Lock gate = new();
    private MongoClient? client;

    protected override OpenLinkIntentsUnderTest OpenStore()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Skip("RRR_TEST_MONGO is not set: MongoDB contract run skipped");
        }

        lock (gate)
        {
            client ??= new MongoClient(connectionString);
        }

        var store = new MongoStore(client, databaseName);
        return new OpenLinkIntentsUnderTest(store, store);
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
