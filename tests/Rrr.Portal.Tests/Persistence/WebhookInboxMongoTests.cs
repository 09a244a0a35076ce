using MongoDB.Bson;
using MongoDB.Driver;
using Rrr.Core.Persistence.Mongo;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>The inbox contract against the MongoDB named by RRR_TEST_MONGO; skipped (with the reason) without it.</summary>
public sealed class WebhookInboxMongoTests : WebhookInboxContract
{
    private const string Variable = "RRR_TEST_MONGO";

    private readonly string databaseName = $"rrr_test_inbox_{Guid.NewGuid():N}"[..40];
    private MongoClient? client;

    protected override InboxUnderTest OpenStore()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Skip("RRR_TEST_MONGO is not set: MongoDB contract run skipped");
        }

        client ??= new MongoClient(connectionString);
        var store = new MongoStore(client, databaseName);
        return new InboxUnderTest(store, store, store);
    }

    [Fact]
    public async Task Initialize_CreatesTheTtlIndexOnReceivedAt()
    {
        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);

        var indexes = await (await client!.GetDatabase(databaseName).GetCollection<BsonDocument>(MongoStore.InboxCollection)
            .Indexes.ListAsync(Ct)).ToListAsync(Ct);

        var ttl = Assert.Single(indexes, i => i["name"] == "ttl_received_at");
        Assert.Equal(TimeSpan.FromDays(30).TotalSeconds, ttl["expireAfterSeconds"].ToDouble());
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
