using MongoDB.Bson;
using MongoDB.Driver;
using Rrr.Persistence.Mongo;
using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>What only the MongoDB adapter does; skipped (with the reason) without RRR_TEST_MONGO.</summary>
public sealed class MongoAdapterTests : IAsyncLifetime
{
    private readonly MongoAdapter adapter = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => adapter.DisposeAsync();

    [Fact]
    public async Task Initialize_CreatesTheTtlIndexOnReceivedAt()
    {
        var store = adapter.Open();
        await store.Lifecycle.InitializeAsync(Ct);

        var indexes = await (await adapter.Database.GetCollection<BsonDocument>(MongoWebhookInbox.InboxCollection)
            .Indexes.ListAsync(Ct)).ToListAsync(Ct);

        var ttl = Assert.Single(indexes, i => i["name"] == "ttl_received_at");
        Assert.Equal(TimeSpan.FromDays(30).TotalSeconds, ttl["expireAfterSeconds"].ToDouble());
    }
}
