using MongoDB.Driver;
using Rrr.Core.Persistence.Mongo;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>The approval store contract against the MongoDB named by RRR_TEST_MONGO; skipped (with the reason) without it.</summary>
public sealed class ApprovalStoreMongoTests : ApprovalStoreContract
{
    private const string Variable = "RRR_TEST_MONGO";

    private readonly string databaseName = $"rrr_test_approvals_{Guid.NewGuid():N}"[..40];
    private MongoClient? client;

    protected override ApprovalStoreUnderTest OpenStore()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Skip("RRR_TEST_MONGO is not set: MongoDB contract run skipped");
        }

        client ??= new MongoClient(connectionString);
        var store = new MongoStore(client, databaseName);
        return new ApprovalStoreUnderTest(store, store);
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
