using Rrr.Core.Persistence;
using Rrr.Core.Rrr.Http;
using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>Behaviour every <see cref="IRrrCallLog"/> adapter must share; each test gets its own storage.</summary>
public abstract class RrrCallLogContract<TAdapter> : IAsyncLifetime
    where TAdapter : StoreAdapter, new()
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 13, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new adapter over this test's storage; an adapter whose backend is missing skips here.</summary>
    protected (IStoreLifecycle Lifecycle, IRrrCallLog Log) OpenStore()
    {
        var stores = Adapter.Open();
        return (stores.Lifecycle, stores.Calls);
    }

    /// <summary>This test's storage on the adapter under test.</summary>
    protected TAdapter Adapter { get; } = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<IRrrCallLog> OpenInitializedAsync()
    {
        var (lifecycle, log) = OpenStore();
        await lifecycle.InitializeAsync(Ct);
        return log;
    }

    private static RrrCallRecord Call(
        string id,
        DateTimeOffset startedAt,
        string traceId = "trace-1",
        string? key = null,
        int attempt = 1) =>
        new(id, startedAt, "IRrrWalletApi.GetWalletAsync", "GET", "/v1/members/{rrrMemberId}/wallet", key, traceId,
            attempt, 200, null, RrrCallOutcome.Succeeded, 12, Replayed: false);

    [Fact]
    public async Task Record_ThenQuery_KeepsEveryField()
    {
        var log = await OpenInitializedAsync();
        var full = new RrrCallRecord(
            "c-full", T0, "IRrrRedemptionsApi.CommitAsync", "POST", "/v1/redemptions/{quoteId}/commit",
            "redeem_commit_q_1", "trace-9", 2, 422, "quote_expired", RrrCallOutcome.Failed, 37, Replayed: true);
        var sparse = new RrrCallRecord(
            "c-sparse", T0.AddSeconds(-1), "GET /v1/x", "GET", "/v1/x", null, "trace-9", 1, null, null,
            RrrCallOutcome.NoResponse, 0, Replayed: false);

        await log.RecordAsync(full, Ct);
        await log.RecordAsync(sparse, Ct);

        Assert.Equal([full, sparse], (await log.QueryAsync(new RrrCallQuery(TraceId: "trace-9"), Ct)).Items);
    }

    [Fact]
    public async Task QueryByTraceId_ReturnsThatTracesCalls_NewestFirst_LaterAttemptFirst()
    {
        var log = await OpenInitializedAsync();
        await log.RecordAsync(Call("a", T0, "trace-1"), Ct);
        await log.RecordAsync(Call("b", T0.AddSeconds(1), "trace-2"), Ct);
        await log.RecordAsync(Call("c", T0.AddSeconds(2), "trace-1"), Ct);
        await log.RecordAsync(Call("d", T0.AddSeconds(2), "trace-1", attempt: 2), Ct);

        var page = await log.QueryAsync(new RrrCallQuery(TraceId: "trace-1"), Ct);

        Assert.Equal(["d", "c", "a"], page.Items.Select(c => c.Id));
        Assert.Equal(3, page.Total);
    }

    [Fact]
    public async Task QueryByIdempotencyKey_ReturnsEveryAttemptOfThatOperation()
    {
        var log = await OpenInitializedAsync();
        await log.RecordAsync(Call("a", T0, "trace-1", "redeem_commit_q_1"), Ct);
        await log.RecordAsync(Call("b", T0.AddSeconds(1), "trace-2", "redeem_commit_q_2"), Ct);
        await log.RecordAsync(Call("c", T0.AddMinutes(5), "trace-3", "redeem_commit_q_1"), Ct);

        var page = await log.QueryAsync(new RrrCallQuery(IdempotencyKey: "redeem_commit_q_1"), Ct);

        Assert.Equal(["c", "a"], page.Items.Select(c => c.Id));
        Assert.Equal(2, page.Total);
    }

    [Fact]
    public async Task QueryByBoth_AppliesBoth()
    {
        var log = await OpenInitializedAsync();
        await log.RecordAsync(Call("a", T0, "trace-1", "k1"), Ct);
        await log.RecordAsync(Call("b", T0, "trace-1", "k2"), Ct);
        await log.RecordAsync(Call("c", T0, "trace-2", "k1"), Ct);

        var page = await log.QueryAsync(new RrrCallQuery(TraceId: "trace-1", IdempotencyKey: "k1"), Ct);

        Assert.Equal(["a"], page.Items.Select(c => c.Id));
    }

    [Fact]
    public async Task Query_IsPaged_WithTheFullTotal()
    {
        var log = await OpenInitializedAsync();
        for (var i = 0; i < 5; i++)
        {
            await log.RecordAsync(Call($"c{i}", T0.AddSeconds(i)), Ct);
        }

        var first = await log.QueryAsync(new RrrCallQuery(TraceId: "trace-1", Skip: 0, Take: 2), Ct);
        var last = await log.QueryAsync(new RrrCallQuery(TraceId: "trace-1", Skip: 4, Take: 2), Ct);

        Assert.Equal(["c4", "c3"], first.Items.Select(c => c.Id));
        Assert.Equal(["c0"], last.Items.Select(c => c.Id));
        Assert.All([first, last], p => Assert.Equal(5, p.Total));
    }

    [Fact]
    public async Task Query_WithNoMatch_IsEmpty()
    {
        var log = await OpenInitializedAsync();
        await log.RecordAsync(Call("a", T0), Ct);

        var page = await log.QueryAsync(new RrrCallQuery(TraceId: "nobody"), Ct);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task SameIdTwice_IsStoredOnce()
    {
        var log = await OpenInitializedAsync();
        var call = Call("a", T0);

        await log.RecordAsync(call, Ct);
        await log.RecordAsync(call, Ct);

        Assert.Equal([call], (await log.QueryAsync(new RrrCallQuery(), Ct)).Items);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(0, 0)]
    [InlineData(0, 1001)]
    public async Task InvalidPaging_IsRefused(int skip, int take)
    {
        var log = await OpenInitializedAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.QueryAsync(new RrrCallQuery(Skip: skip, Take: take), Ct));
    }
}
