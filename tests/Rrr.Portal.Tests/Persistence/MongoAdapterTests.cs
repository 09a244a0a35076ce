using MongoDB.Bson;
using MongoDB.Driver;
using Rrr.Core.Features.Approvals;
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

    [Fact]
    public async Task Initialize_TakesTheInboxRetentionFromTheOptions_AndChangesAnExistingTtlInPlace()
    {
        adapter.Open();
        var client = adapter.Database.Client;

        await new MongoDatabaseContext(client, adapter.DatabaseName, TimeSpan.FromDays(7)).InitializeAsync(Ct);
        var first = await TtlSecondsAsync();
        await new MongoDatabaseContext(client, adapter.DatabaseName, TimeSpan.FromDays(14)).InitializeAsync(Ct);

        Assert.Equal((TimeSpan.FromDays(7).TotalSeconds, TimeSpan.FromDays(14).TotalSeconds), (first, await TtlSecondsAsync()));
    }

    /// <summary>
    /// On a real server: a decision whose record the server refuses (a validator stands in for a crash between
    /// the writes) leaves the request as it was, because both writes are one transaction.
    /// </summary>
    [Fact]
    public async Task ADecisionWhoseRecordIsRefused_LeavesTheRequestUnchanged()
    {
        var store = adapter.Open();
        await store.Lifecycle.InitializeAsync(Ct);
        var chain = Support.TestChainKeys.Create();
        var at = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var request = new ApprovalRequest(
            "apr_1", "adjustment", "xcn_u_1001", """{"points":50}""", 1, new ApprovalPolicy(1, false), "ada", ApprovalStatus.Pending, at, at.AddDays(3), 1);
        await store.Approvals.CreateAsync(request, new("apr_1", ApprovalAction.Requested, "ada", ApprovalRoles.XcnAdmin, 1, null, at), chain, Ct);
        await adapter.Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { ["collMod"] = MongoApprovalStore.LogCollection, ["validator"] = new BsonDocument("actor_id", new BsonDocument("$ne", "mallory")) },
            cancellationToken: Ct);

        await Assert.ThrowsAnyAsync<MongoException>(() => store.Approvals.UpdateAsync(
            request with { Status = ApprovalStatus.Approved, Revision = 2 }, 1,
            new("apr_1", ApprovalAction.Approved, "mallory", ApprovalRoles.XcnAdmin, 1, null, at), chain, Ct));

        Assert.Equal(request, await store.Approvals.GetAsync("apr_1", Ct));
        Assert.Equal(["ada"], (await store.Approvals.GetRecordsAsync("apr_1", Ct)).Select(r => r.ActorId));
    }

    private async Task<double> TtlSecondsAsync()
    {
        var indexes = await (await adapter.Database.GetCollection<BsonDocument>(MongoWebhookInbox.InboxCollection).Indexes.ListAsync(Ct)).ToListAsync(Ct);
        return Assert.Single(indexes, i => i["name"] == "ttl_received_at")["expireAfterSeconds"].ToDouble();
    }
}
