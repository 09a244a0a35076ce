using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Earn;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Earn;
using Rrr.Core.Rrr.Http;
using Rrr.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Features.Earn;

/// <summary>The dispatcher over the real SQLite outbox, against a fake RRR that counts calls per key.</summary>
public sealed class EarnDispatcherTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-dispatcher-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqlitePorts> stores = [];
    private readonly FakeTimeProvider time = new(T0);
    private readonly FakeEarnApi rrr = new();
    private readonly FeatureSwitch features = FeatureSwitch.AutomaticEarnOn();
    private readonly EarnOptions settings = new()
    {
        MaxAttempts = 3,
        FirstRetryDelay = TimeSpan.FromSeconds(2),
        MaxRetryDelay = TimeSpan.FromSeconds(30),
        Lease = TimeSpan.FromMinutes(1),
        BatchSize = 50,
        MaxConcurrency = 4,
    };

    private SqliteEarnOutbox store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        store = OpenStore();
        await stores[0].InitializeAsync(Ct);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var opened in stores)
        {
            opened.Dispose();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    private SqliteEarnOutbox OpenStore()
    {
        var opened = SqlitePorts.Open(root, "portal.db");
        stores.Add(opened);
        return opened.Outbox;
    }

    private EarnDispatcher Dispatcher(IEarnOutbox? outbox = null) =>
        new(outbox ?? store, rrr, new EarnSignal(), time, Options.Create(settings), NullLogger<EarnDispatcher>.Instance, features,
            new HeldEarnings(outbox ?? store, new EarnSignal(), new PortalEvents(NullLogger<PortalEvents>.Instance), time, Options.Create(settings),
                NullLogger<HeldEarnings>.Instance));

    private async Task AddAsync(params EarnOrder[] orders) => await store.TryAddManyAsync(orders, Ct);

    private static EarnOrder Paid(string order, EarnProduct product = EarnProduct.Tokens, decimal amount = 12.50m) =>
        new(order, OrderEventKind.Paid, "xcn_u_1001", product, new Money(amount, "USD"), T0, T0);

    private static EarnOrder Refunded(string order) =>
        new(order, OrderEventKind.Refunded, "xcn_u_1001", EarnProduct.Tokens, null, T0, T0);

    private Task<OutboxRow?> RowAsync(string order, OrderEventKind kind = OrderEventKind.Paid) =>
        ((IEarnOutbox)store).GetAsync(new OutboxKey(order, kind), Ct);

    [Fact]
    public async Task PaidOrders_ArePostedWithTheOrdersKey_AndTheConfiguredRules()
    {
        settings.PostingMode = PostingMode.Pending;
        await AddAsync(Paid("o1", EarnProduct.Tokens, 12.50m), Paid("o2", EarnProduct.Membership, 7.99m));

        Assert.Equal(2, await Dispatcher().RunOnceAsync(Ct));

        Assert.Equal(1, rrr.CallsPerKey["earn_token_o1"]);
        Assert.Equal(1, rrr.CallsPerKey["earn_membership_o2"]);
        var requests = rrr.Requests.OrderBy(r => r.OrderNumber).ToList();
        Assert.Equal((12L, PostingMode.Pending, new Money(12.50m, "USD")), (requests[0].ExpectedPoints, requests[0].PostingMode, requests[0].Amount));
        Assert.Equal(14L, requests[1].ExpectedPoints);
        var row = (await RowAsync("o1"))!;
        Assert.Equal(OutboxStatus.Posted, row.Status);
        Assert.Equal("POSTED", row.Result!.Status);
        Assert.StartsWith("ee_", row.Result.EarnEventId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AutomaticEarnOff_LeavesAPendingRowUntouched_AndItPostsOnceTheFlagIsOn()
    {
        await AddAsync(Paid("o1"));
        var before = (await RowAsync("o1"))!;
        features.Set(PortalFeatures.AutomaticEarn, false);
        var dispatcher = Dispatcher();

        Assert.Equal(0, await dispatcher.RunOnceAsync(Ct));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await dispatcher.RunOnceAsync(Ct));

        Assert.Equal(0, rrr.TotalCalls);
        Assert.Equal(before, await RowAsync("o1"));

        features.Set(PortalFeatures.AutomaticEarn, true);
        Assert.Equal(1, await dispatcher.RunOnceAsync(Ct));

        Assert.Equal(1, rrr.CallsPerKey["earn_token_o1"]);
        Assert.Equal(OutboxStatus.Posted, (await RowAsync("o1"))!.Status);
    }

    [Fact]
    public async Task RrrUnavailable_CostsNoAttempt_StopsTheBatch_AndRetriesAfterBackoff()
    {
        await AddAsync([.. Enumerable.Range(0, 10).Select(i => Paid($"o{i}"))]);
        rrr.Behaviour = (_, _) => throw FakeEarnApi.Unavailable();
        settings.MaxConcurrency = 1;
        var dispatcher = Dispatcher();

        for (var pass = 0; pass < 5; pass++)
        {
            await dispatcher.RunOnceAsync(Ct);
            time.Advance(settings.MaxRetryDelay);
        }

        // One call per pass: the first failure holds the rest of the batch back.
        Assert.Equal(5, rrr.TotalCalls);
        var rows = await store.ListAsync(OutboxStatus.Pending, 100, Ct);
        Assert.Equal(10, rows.Count);
        Assert.All(rows, r => Assert.Equal((0, "rrr_unavailable"), (r.Attempts, r.LastError)));
        Assert.Equal(0, (await store.CountByStatusAsync(Ct))[OutboxStatus.Dead]);

        rrr.Behaviour = null;
        await dispatcher.RunOnceAsync(Ct);

        Assert.Equal(10, (await store.CountByStatusAsync(Ct))[OutboxStatus.Posted]);
    }

    [Fact]
    public async Task RrrUnavailable_BackoffGrowsPerConsecutiveOutage_UpToTheCap()
    {
        await AddAsync(Paid("o1"));
        rrr.Behaviour = (_, _) => throw FakeEarnApi.Unavailable();
        var dispatcher = Dispatcher();

        var delays = new List<TimeSpan>();
        for (var pass = 0; pass < 6; pass++)
        {
            await dispatcher.RunOnceAsync(Ct);
            var row = (await RowAsync("o1"))!;
            delays.Add(row.NextAttemptAt - time.GetUtcNow());
            time.Advance(row.NextAttemptAt - time.GetUtcNow());
        }

        Assert.Equal([2, 4, 8, 16, 30, 30], delays.Select(d => (int)d.TotalSeconds));
    }

    [Fact]
    public async Task PermanentRefusal_DeadLettersAtOnce_AndAnAdminRetryPostsIt()
    {
        // Holds off (Earn:HoldUnlinkedFor = 0): not_linked is refused for good, as before holds (HeldEarnTests has them on).
        settings.HoldUnlinkedFor = TimeSpan.Zero;
        await AddAsync(Paid("o1"));
        rrr.Behaviour = (_, _) => throw FakeEarnApi.Problem(RrrErrorCodes.NotLinked);

        await Dispatcher().RunOnceAsync(Ct);

        var dead = (await RowAsync("o1"))!;
        Assert.Equal((OutboxStatus.Dead, 1, "not_linked"), (dead.Status, dead.Attempts, dead.LastError));

        rrr.Behaviour = null;
        Assert.True(await new EarnAdmin(store, new EarnSignal(), time).RetryAsync(dead.Key, Ct));
        await Dispatcher().RunOnceAsync(Ct);

        Assert.Equal(OutboxStatus.Posted, (await RowAsync("o1"))!.Status);
        Assert.Equal(1, rrr.CallsPerKey["earn_token_o1"]);
        Assert.Equal(1, rrr.CallsPerKey["earn_token_o1_g1"]);
    }

    [Fact]
    public async Task AdminRetryOfADeadLetter_PostsUnderANewKeyGeneration_SoRrrsStoredRefusalIsNotReplayed()
    {
        // Holds off (Earn:HoldUnlinkedFor = 0): not_linked is refused for good, as before holds (HeldEarnTests has them on).
        settings.HoldUnlinkedFor = TimeSpan.Zero;
        rrr.ReplaysRefusals = true;
        await AddAsync(Paid("o1"));
        rrr.Behaviour = (_, _) => throw FakeEarnApi.Problem(RrrErrorCodes.NotLinked);
        await Dispatcher().RunOnceAsync(Ct);
        Assert.Equal(OutboxStatus.Dead, (await RowAsync("o1"))!.Status);

        // The viewer links their account; the operator retries the dead letter.
        rrr.Behaviour = null;
        var admin = new EarnAdmin(store, new EarnSignal(), time);
        Assert.True(await admin.RetryAsync(new OutboxKey("o1", OrderEventKind.Paid), Ct));
        await Dispatcher().RunOnceAsync(Ct);

        var row = (await RowAsync("o1"))!;
        Assert.Equal((OutboxStatus.Posted, 1), (row.Status, row.KeyGeneration));
        Assert.Equal(1, rrr.CallsPerKey["earn_token_o1"]);
        Assert.Equal(1, rrr.CallsPerKey["earn_token_o1_g1"]);

        // Within the new generation, an automatic retry keeps its key: a lost answer is replayed, never earned twice.
        rrr.Behaviour = (_, _) => throw FakeEarnApi.Problem(RrrErrorCodes.NotLinked);
        await AddAsync(Paid("o2"));
        await Dispatcher().RunOnceAsync(Ct);
        rrr.Behaviour = null;
        await admin.RetryAsync(new OutboxKey("o2", OrderEventKind.Paid), Ct);
        rrr.Behaviour = (_, _) => throw FakeEarnApi.Problem(RrrErrorCodes.RequestInProgress, 409);
        await Dispatcher().RunOnceAsync(Ct);
        rrr.Behaviour = null;
        time.Advance(settings.MaxRetryDelay);
        await Dispatcher().RunOnceAsync(Ct);
        Assert.Equal(2, rrr.CallsPerKey["earn_token_o2_g1"]);
        Assert.Equal(OutboxStatus.Posted, (await RowAsync("o2"))!.Status);
    }

    [Fact]
    public async Task Refund_ArrivingLongBeforeItsPaidOrder_DeadLetters_ThenReopensAndPostsTheReversalWhenThePaidOrderPosts()
    {
        await AddAsync(Refunded("o1"));
        var dispatcher = Dispatcher();
        for (var pass = 0; pass < settings.MaxAttempts; pass++)
        {
            await dispatcher.RunOnceAsync(Ct);
            time.Advance(settings.MaxRetryDelay);
        }

        var dead = (await RowAsync("o1", OrderEventKind.Refunded))!;
        Assert.Equal((OutboxStatus.Dead, OutboxCodes.PaidOrderUnknown), (dead.Status, dead.LastError));

        // Days later the payment report arrives and earns; the refund must not stay dead.
        await AddAsync(Paid("o1"));
        await dispatcher.RunOnceAsync(Ct);
        var reopened = (await RowAsync("o1", OrderEventKind.Refunded))!;
        Assert.Equal((OutboxStatus.Pending, 0, 0), (reopened.Status, reopened.Attempts, reopened.KeyGeneration));
        await dispatcher.RunOnceAsync(Ct);

        var earnEventId = (await RowAsync("o1"))!.Result!.EarnEventId!;
        Assert.Equal((earnEventId, "earn_reverse_" + earnEventId), Assert.Single(rrr.Reversals));
        var refund = (await RowAsync("o1", OrderEventKind.Refunded))!;
        Assert.Equal((OutboxStatus.Posted, EarnPostResult.Reversed), (refund.Status, refund.Result!.Status));
    }

    [Fact]
    public async Task Refund_RefusedByRrr_AnAdminRetryReversesUnderANewKeyGeneration()
    {
        await AddAsync(Paid("o1"), Refunded("o1"));
        await Dispatcher().RunOnceAsync(Ct);
        rrr.ReverseBehaviour = _ => throw FakeEarnApi.Problem(RrrErrorCodes.InvalidState, 409);
        time.Advance(TimeSpan.FromSeconds(2));
        await Dispatcher().RunOnceAsync(Ct);
        Assert.Equal(OutboxStatus.Dead, (await RowAsync("o1", OrderEventKind.Refunded))!.Status);

        rrr.ReverseBehaviour = null;
        Assert.True(await new EarnAdmin(store, new EarnSignal(), time).RetryAsync(new OutboxKey("o1", OrderEventKind.Refunded), Ct));
        await Dispatcher().RunOnceAsync(Ct);

        var earnEventId = (await RowAsync("o1"))!.Result!.EarnEventId!;
        Assert.Equal(
            ["earn_reverse_" + earnEventId, "earn_reverse_" + earnEventId + "_g1"],
            rrr.Reversals.Select(r => r.Key));
        Assert.Equal(OutboxStatus.Posted, (await RowAsync("o1", OrderEventKind.Refunded))!.Status);
    }

    [Fact]
    public async Task OtherFailures_CountAttempts_WithBackoff_ThenDeadLetter()
    {
        await AddAsync(Paid("o1"));
        rrr.Behaviour = (_, _) => throw FakeEarnApi.Problem(RrrErrorCodes.RequestInProgress, 409);
        var dispatcher = Dispatcher();

        await dispatcher.RunOnceAsync(Ct);
        var first = (await RowAsync("o1"))!;
        Assert.Equal((OutboxStatus.Pending, 1, T0 + TimeSpan.FromSeconds(2)), (first.Status, first.Attempts, first.NextAttemptAt));

        Assert.Equal(0, await dispatcher.RunOnceAsync(Ct));
        time.Advance(TimeSpan.FromSeconds(2));
        await dispatcher.RunOnceAsync(Ct);
        Assert.Equal(T0 + TimeSpan.FromSeconds(2 + 4), (await RowAsync("o1"))!.NextAttemptAt);
        time.Advance(TimeSpan.FromSeconds(4));
        await dispatcher.RunOnceAsync(Ct);

        var dead = (await RowAsync("o1"))!;
        Assert.Equal((OutboxStatus.Dead, 3, "request_in_progress"), (dead.Status, dead.Attempts, dead.LastError));
        Assert.Equal(3, rrr.TotalCalls);
    }

    [Fact]
    public async Task AKeyStuckInProgress_IsAbandonedForAFreshOne_AndDuplicateOrderHandsBackTheEvent()
    {
        settings.MaxAttempts = 8;
        await AddAsync(Paid("o1"));
        var extensions = new Dictionary<string, JsonElement> { ["earn_event_id"] = JsonSerializer.SerializeToElement("ee_committed") };
        rrr.Behaviour = (_, key) => throw (key == "earn_token_o1"
            ? FakeEarnApi.Problem(RrrErrorCodes.RequestInProgress, 409)
            : FakeEarnApi.Problem(RrrErrorCodes.DuplicateOrder, 409, extensions));
        var dispatcher = Dispatcher();

        for (var pass = 0; pass < 3; pass++)
        {
            await dispatcher.RunOnceAsync(Ct);
            time.Advance(settings.MaxRetryDelay);
        }

        Assert.Equal(2, rrr.CallsPerKey["earn_token_o1"]);
        Assert.Equal(1, rrr.CallsPerKey["earn_token_o1_r2"]);
        var row = (await RowAsync("o1"))!;
        Assert.Equal((OutboxStatus.Posted, "ee_committed"), (row.Status, row.Result!.EarnEventId));
    }

    [Fact]
    public async Task DuplicateOrder_IsTreatedAsPosted_WithRrrsEarnEvent()
    {
        await AddAsync(Paid("o1"));
        var extensions = new Dictionary<string, JsonElement> { ["earn_event_id"] = JsonSerializer.SerializeToElement("ee_first") };
        rrr.Behaviour = (_, _) => throw FakeEarnApi.Problem(RrrErrorCodes.DuplicateOrder, 409, extensions);

        await Dispatcher().RunOnceAsync(Ct);

        var row = (await RowAsync("o1"))!;
        Assert.Equal((OutboxStatus.Posted, "ee_first", EarnPostResult.Duplicate), (row.Status, row.Result!.EarnEventId, row.Result.Status));
    }

    [Fact]
    public async Task Refund_WaitsForItsPaidOrder_ThenPostsTheReversalWithTheEarnEventsKey()
    {
        await AddAsync(Paid("o1"));
        rrr.Behaviour = (_, _) => throw FakeEarnApi.Problem(RrrErrorCodes.RequestInProgress, 409);
        var dispatcher = Dispatcher();
        await dispatcher.RunOnceAsync(Ct);
        await AddAsync(Refunded("o1"));

        await dispatcher.RunOnceAsync(Ct);
        var waiting = (await RowAsync("o1", OrderEventKind.Refunded))!;
        Assert.Equal((OutboxStatus.Pending, 0, "waiting_for_paid"), (waiting.Status, waiting.Attempts, waiting.LastError));
        Assert.Empty(rrr.Reversals);

        // Both due at once: the paid order posts, the refund (same batch) sees it still claimed and waits again.
        rrr.Behaviour = null;
        time.Advance(TimeSpan.FromSeconds(2));
        await dispatcher.RunOnceAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(2));
        await dispatcher.RunOnceAsync(Ct);

        var earnEventId = (await RowAsync("o1"))!.Result!.EarnEventId!;
        var reversal = Assert.Single(rrr.Reversals);
        Assert.Equal((earnEventId, "earn_reverse_" + earnEventId), reversal);
        var refund = (await RowAsync("o1", OrderEventKind.Refunded))!;
        Assert.Equal((OutboxStatus.Posted, EarnPostResult.Reversed, earnEventId), (refund.Status, refund.Result!.Status, refund.Result.EarnEventId));
    }

    [Fact]
    public async Task Refund_OfADeadPaidOrder_ResolvesAsNothingToReverse_AndReopensWhenThePaidOrderIsRetried()
    {
        // Holds off (Earn:HoldUnlinkedFor = 0): not_linked is refused for good, as before holds (HeldEarnTests has them on).
        settings.HoldUnlinkedFor = TimeSpan.Zero;
        await AddAsync(Paid("o1"));
        rrr.Behaviour = (_, _) => throw FakeEarnApi.Problem(RrrErrorCodes.NotLinked);
        await Dispatcher().RunOnceAsync(Ct);
        await AddAsync(Refunded("o1"));

        await Dispatcher().RunOnceAsync(Ct);

        Assert.Equal(EarnPostResult.NothingToReverse, (await RowAsync("o1", OrderEventKind.Refunded))!.Result!.Status);
        Assert.Empty(rrr.Reversals);

        rrr.Behaviour = null;
        await new EarnAdmin(store, new EarnSignal(), time).RetryAsync(new OutboxKey("o1", OrderEventKind.Paid), Ct);
        await Dispatcher().RunOnceAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(2));
        await Dispatcher().RunOnceAsync(Ct);

        Assert.Single(rrr.Reversals);
        Assert.Equal(EarnPostResult.Reversed, (await RowAsync("o1", OrderEventKind.Refunded))!.Result!.Status);
    }

    [Fact]
    public async Task Refund_AlreadyReversedAtRrr_IsDone()
    {
        await AddAsync(Paid("o1"), Refunded("o1"));
        await Dispatcher().RunOnceAsync(Ct);
        rrr.ReverseBehaviour = _ => throw FakeEarnApi.Problem(RrrErrorCodes.AlreadyReversed, 409);
        time.Advance(TimeSpan.FromSeconds(2));

        await Dispatcher().RunOnceAsync(Ct);

        Assert.Equal((OutboxStatus.Posted, EarnPostResult.Reversed), ((await RowAsync("o1", OrderEventKind.Refunded))!.Status, (await RowAsync("o1", OrderEventKind.Refunded))!.Result!.Status));
    }

    [Fact]
    public async Task TwoDispatchersOverOneStore_NeverPostARowTwice()
    {
        await AddAsync([.. Enumerable.Range(0, 300).Select(i => Paid($"o{i:D3}"))]);
        settings.BatchSize = 20;
        var a = Dispatcher(OpenStore());
        var b = Dispatcher(OpenStore());

        async Task DrainAsync(EarnDispatcher dispatcher)
        {
            while (await dispatcher.RunOnceAsync(Ct) > 0)
            {
            }
        }

        await Task.WhenAll(Task.Run(() => DrainAsync(a), Ct), Task.Run(() => DrainAsync(b), Ct));

        Assert.Equal(300, rrr.CallsPerKey.Count);
        Assert.All(rrr.CallsPerKey, kv => Assert.Equal(1, kv.Value));
        Assert.Equal(300, (await store.CountByStatusAsync(Ct))[OutboxStatus.Posted]);
    }

    [Fact]
    public async Task AfterALeaseExpiry_TheSecondPostUsesTheSameKey_SoRrrReplaysInsteadOfEarningTwice()
    {
        await AddAsync(Paid("o1"));

        // Instance A claims and dies before settling (its claim is all that is left of it).
        await store.ClaimBatchAsync("crashed", 10, T0, T0 + settings.Lease, Ct);
        var order = Paid("o1");
        await rrr.PostEarnEventAsync(
            new EarnEventRequest(order.XcnUserId, order.OrderNumber, order.Product, order.Amount!, PostingMode.Immediate),
            IdempotencyKeys.EarnTokens("o1"),
            Ct);
        var b = Dispatcher(OpenStore());
        Assert.Equal(0, await b.RunOnceAsync(Ct));

        time.Advance(settings.Lease);
        Assert.Equal(1, await b.RunOnceAsync(Ct));

        Assert.Equal(2, rrr.CallsPerKey["earn_token_o1"]);
        Assert.Single(rrr.CallsPerKey);
        Assert.Equal("ee_1", (await RowAsync("o1"))!.Result!.EarnEventId);
    }

    [Fact]
    public async Task GracefulShutdown_SettlesWhatRrrAnswered_AndReleasesTheOtherClaimsForAnotherInstanceAtOnce()
    {
        settings.BatchSize = 10;
        settings.MaxConcurrency = 2;
        await AddAsync([.. Enumerable.Range(0, 10).Select(i => Paid($"o{i}"))]);
        var calls = 0;
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        // The first two calls are answered; the next ones hang until the host stops.
        rrr.Behaviour = (_, _) =>
        {
            var n = Interlocked.Increment(ref calls);
            if (n <= 2)
            {
                return Task.CompletedTask;
            }

            if (n == 4)
            {
                blocked.TrySetResult();
            }

            return never.Task;
        };
        using var stop = new CancellationTokenSource();
        var loop = Dispatcher().RunAsync(stop.Token);
        await blocked.Task.WaitAsync(Ct);

        await stop.CancelAsync();
        await loop.WaitAsync(Ct);

        var counts = await store.CountByStatusAsync(Ct);
        Assert.Equal((2L, 8L, 0L), (counts[OutboxStatus.Posted], counts[OutboxStatus.Pending], counts[OutboxStatus.Claimed]));
        rrr.Behaviour = null;
        // No clock advance: without the release these rows would wait out the lease (a minute here).
        Assert.Equal(8, await Dispatcher(OpenStore()).RunOnceAsync(Ct));
        Assert.Equal(10, (await store.CountByStatusAsync(Ct))[OutboxStatus.Posted]);
        Assert.All(rrr.CallsPerKey, kv => Assert.InRange(kv.Value, 1, 2));
        Assert.Equal(0, (await RowAsync("o0"))!.Attempts + (await RowAsync("o9"))!.Attempts);
    }

    [Fact]
    public async Task HostedLoop_OverlapsBatches_ButKeepsCallsWithinMaxConcurrency_AndPostsEachOrderOnce()
    {
        settings.BatchSize = 20;
        settings.MaxConcurrency = 3;
        await AddAsync([.. Enumerable.Range(0, 200).Select(i => Paid($"o{i:D3}"))]);
        var inFlight = 0;
        var maxInFlight = 0;
        rrr.Behaviour = async (_, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await Task.Delay(1, Ct);
            Interlocked.Decrement(ref inFlight);
        };
        using var stop = new CancellationTokenSource();
        var loop = Dispatcher().RunAsync(stop.Token);

        while ((await store.CountByStatusAsync(Ct))[OutboxStatus.Posted] < 200)
        {
            Assert.False(loop.IsCompleted);
            await Task.Delay(10, Ct);
        }

        await stop.CancelAsync();
        await loop.WaitAsync(Ct);
        Assert.Equal(200, rrr.CallsPerKey.Count);
        Assert.All(rrr.CallsPerKey, kv => Assert.Equal(1, kv.Value));
        Assert.InRange(maxInFlight, 1, 3);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
