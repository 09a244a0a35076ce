using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Earn;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Webhooks;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Earn;
using Rrr.Core.Rrr.Http;
using Rrr.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Features.Earn;

/// <summary>
/// Purchases before linking: a paid order RRR refuses as not_linked is held (not dead-lettered), released when the buyer
/// links, posted exactly once, dead-lettered as hold_expired when the window passes, and closed by its refund. Over the
/// real SQLite outbox and a fake RRR that, like RRR, replays a refusal it stored for a key.
/// </summary>
public sealed class HeldEarnTests : IAsyncLifetime
{
    private const string Noah = "xcn_u_1002";
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-held-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(T0);
    private readonly FakeEarnApi rrr = new() { ReplaysRefusals = true };
    private readonly PortalEvents bus = new(NullLogger<PortalEvents>.Instance);
    private readonly EarnSignal signal = new();
    private readonly EarnOptions settings = new()
    {
        MaxAttempts = 3,
        FirstRetryDelay = TimeSpan.FromSeconds(2),
        MaxRetryDelay = TimeSpan.FromSeconds(30),
        HoldUnlinkedFor = TimeSpan.FromDays(30),
    };

    private SqlitePorts sqlite = null!;
    private HeldEarnings held = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SqliteEarnOutbox Store => sqlite.Outbox;

    public async ValueTask InitializeAsync()
    {
        sqlite = SqlitePorts.Open(root, "portal.db");
        await sqlite.InitializeAsync(Ct);
        held = new HeldEarnings(Store, signal, bus, time, Options.Create(settings), NullLogger<HeldEarnings>.Instance);
    }

    public ValueTask DisposeAsync()
    {
        sqlite.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    private EarnDispatcher Dispatcher() =>
        new(Store, rrr, signal, time, Options.Create(settings), NullLogger<EarnDispatcher>.Instance, FeatureSwitch.AutomaticEarnOn(), held);

    private static EarnOrder Paid(string order, string user = Noah, decimal amount = 19.99m, EarnProduct product = EarnProduct.Tokens) =>
        new(order, OrderEventKind.Paid, user, product, new Money(amount, "USD"), T0, T0);

    private static EarnOrder Refunded(string order, string user = Noah) =>
        new(order, OrderEventKind.Refunded, user, EarnProduct.Tokens, null, T0, T0);

    private Task<OutboxRow?> RowAsync(string order, OrderEventKind kind = OrderEventKind.Paid) => Store.GetAsync(new OutboxKey(order, kind), Ct);

    /// <summary>RRR as it answers for Noah: not linked until <paramref name="linked"/> says so.</summary>
    private void NoahIsLinked(bool linked) =>
        rrr.Behaviour = linked ? null : (_, _) => throw FakeEarnApi.Problem(RrrErrorCodes.NotLinked);

    private async Task<OutboxRow> HoldAsync(params EarnOrder[] orders)
    {
        await Store.TryAddManyAsync(orders, Ct);
        NoahIsLinked(false);
        await Dispatcher().RunOnceAsync(Ct);
        var row = (await RowAsync(orders[0].OrderNumber))!;
        Assert.Equal(OutboxStatus.Held, row.Status);
        return row;
    }

    private static RrrEvent LinkUpdated(string xcnUserId, string status) => new(
        "evt_" + Guid.NewGuid().ToString("N")[..8], RrrEventTypes.LinkUpdated, null,
        new Dictionary<string, object?> { ["resource_type"] = "link", ["resource_id"] = xcnUserId, ["xcn_user_id"] = xcnUserId, ["status"] = status, ["version"] = 2L });

    [Fact]
    public async Task NotLinked_HoldsThePaidOrder_ForTheWindow_WithoutAnAttempt_AndTheDispatcherLeavesItAlone()
    {
        var row = await HoldAsync(Paid("o1"));

        Assert.Equal((0, RrrErrorCodes.NotLinked, T0 + settings.HoldUnlinkedFor), (row.Attempts, row.LastError, row.HeldUntil));
        Assert.Equal(row.HeldUntil, row.NextAttemptAt);
        time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, await Dispatcher().RunOnceAsync(Ct));
        Assert.Equal(1, rrr.TotalCalls);
        var counts = await Store.CountByStatusAsync(Ct);
        Assert.Equal((1L, 0L, 0L), (counts[OutboxStatus.Held], counts[OutboxStatus.Dead], counts[OutboxStatus.Pending]));
        Assert.Null(await Store.OldestWaitingAcceptedAtAsync(Ct));
    }

    [Fact]
    public async Task HoldingAnOrder_TellsTheMembersPanel()
    {
        var heard = new List<string>();
        using var subscription = bus.Subscribe(HeldOrdersChanged.Of(Noah), m => heard.Add(m.XcnUserId));

        await HoldAsync(Paid("o1"), Paid("o2"));

        Assert.Equal([Noah], heard);
    }

    [Fact]
    public async Task TheWindowPassing_DeadLettersTheHoldAsHoldExpired_AndARefusedRetryDiesAtOnce()
    {
        await HoldAsync(Paid("o1"));

        time.Advance(settings.HoldUnlinkedFor);
        await Dispatcher().RunOnceAsync(Ct);

        var dead = (await RowAsync("o1"))!;
        Assert.Equal((OutboxStatus.Dead, OutboxCodes.HoldExpired), (dead.Status, dead.LastError));
        Assert.Equal(1, await Store.CountDeadAsync(OutboxCodes.HoldExpired, Ct));
        Assert.Equal(1, rrr.TotalCalls);

        // An admin retries; Noah is still not linked: the window stays the first one, so it is dead again, not held anew.
        Assert.True(await new EarnAdmin(Store, signal, time).RetryAsync(dead.Key, Ct));
        await Dispatcher().RunOnceAsync(Ct);
        Assert.Equal((OutboxStatus.Dead, OutboxCodes.HoldExpired), ((await RowAsync("o1"))!.Status, (await RowAsync("o1"))!.LastError));
    }

    [Fact]
    public async Task NotLinkedAgainAfterTheWindow_ForAReleasedOrder_IsHoldExpired()
    {
        await HoldAsync(Paid("o1"));
        time.Advance(settings.HoldUnlinkedFor + TimeSpan.FromSeconds(1));

        // Released just before the sweep (say, by a link that was revoked at once): RRR refuses again.
        await held.ReleaseAsync(Noah, Ct);
        var outcome = await Dispatcher().RunOnceAsync(Ct);

        Assert.Equal(1, outcome);
        Assert.Equal((OutboxStatus.Dead, OutboxCodes.HoldExpired), ((await RowAsync("o1"))!.Status, (await RowAsync("o1"))!.LastError));
    }

    [Fact]
    public async Task LinkUpdatedLinked_ReleasesTheHeldOrders_WhichPostExactlyOnce_UnderTheOriginalKeysNextGeneration()
    {
        var original = await HoldAsync(Paid("o1"), Paid("o2", amount: 5m, product: EarnProduct.Membership));
        using var release = new HeldEarnRelease(bus, held, NullLogger<HeldEarnRelease>.Instance);
        await release.StartAsync(Ct);
        NoahIsLinked(true);

        bus.Publish(LinkUpdated(Noah, "LINKED"));
        await WaitForAsync(async () => (await RowAsync("o1"))!.Status == OutboxStatus.Pending);

        var released = (await RowAsync("o1"))!;
        Assert.Equal((0, 1, time.GetUtcNow(), original.HeldUntil), (released.Attempts, released.KeyGeneration, released.NextAttemptAt, released.HeldUntil));
        Assert.Equal(2, await Dispatcher().RunOnceAsync(Ct));

        var posted = (await RowAsync("o1"))!;
        Assert.Equal(OutboxStatus.Posted, posted.Status);
        Assert.Equal(OutboxStatus.Posted, (await RowAsync("o2"))!.Status);

        // The same key as the first post, one generation on: RRR stored (and would replay for 24 h) its not_linked for
        // the first one. A repeat of the release, the wizard's own news and a dispatcher pass change nothing.
        bus.Publish(LinkUpdated(Noah, "LINKED"));
        bus.Publish(new MemberLinked(Noah));
        await Task.Delay(50, Ct);
        Assert.Equal(0, await Dispatcher().RunOnceAsync(Ct));
        Assert.Equal(
            ["earn_membership_o2", "earn_membership_o2_g1", "earn_token_o1", "earn_token_o1_g1"],
            rrr.CallsPerKey.Keys.Order(StringComparer.Ordinal));
        Assert.All(rrr.CallsPerKey.Values, n => Assert.Equal(1, n));
        await release.StopAsync(Ct);
    }

    [Fact]
    public async Task ARepostAfterTheRelease_KeepsTheNewKey_SoRrrReplaysOneEarnEvent()
    {
        await HoldAsync(Paid("o1"));
        NoahIsLinked(true);
        await held.ReleaseAsync(Noah, Ct);

        // The first post after the release meets a request still in progress (a first try that timed out): the retry asks
        // with the same key, and RRR answers it with the one earn event.
        var calls = 0;
        rrr.Behaviour = (_, _) => Interlocked.Increment(ref calls) == 1 ? throw FakeEarnApi.Problem(RrrErrorCodes.RequestInProgress, 409) : Task.CompletedTask;
        await Dispatcher().RunOnceAsync(Ct);
        time.Advance(settings.MaxRetryDelay);
        await Dispatcher().RunOnceAsync(Ct);

        Assert.Equal(2, rrr.CallsPerKey["earn_token_o1_g1"]);
        Assert.Equal(OutboxStatus.Posted, (await RowAsync("o1"))!.Status);
    }

    [Fact]
    public async Task TheWizardsConfirmation_ReleasesToo_AndARevokedLinkReleasesNothing()
    {
        await HoldAsync(Paid("o1"));
        using var release = new HeldEarnRelease(bus, held, NullLogger<HeldEarnRelease>.Instance);
        await release.StartAsync(Ct);

        bus.Publish(LinkUpdated(Noah, "REVOKED"));
        bus.Publish(LinkUpdated("xcn_u_other", "LINKED"));
        await Task.Delay(50, Ct);
        Assert.Equal(OutboxStatus.Held, (await RowAsync("o1"))!.Status);

        bus.Publish(new MemberLinked(Noah));
        await WaitForAsync(async () => (await RowAsync("o1"))!.Status == OutboxStatus.Pending);
        await release.StopAsync(Ct);
    }

    [Fact]
    public async Task AReleaseWhileRrrsNotLinkedIsInFlight_SettlesThatOrderPending_NotHeld()
    {
        await Store.TryAddManyAsync([Paid("o1")], Ct);
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rrr.Behaviour = async (_, _) =>
        {
            asked.TrySetResult();
            await answer.Task;
            throw FakeEarnApi.Problem(RrrErrorCodes.NotLinked);
        };
        var pass = Dispatcher().RunOnceAsync(Ct);
        await asked.Task.WaitAsync(Ct);

        // RRR refused before Noah linked; the link (and its release) lands before the refusal is written down.
        Assert.Equal(0, await held.ReleaseAsync(Noah, Ct));
        answer.SetResult();
        await pass;

        var row = (await RowAsync("o1"))!;
        Assert.Equal((OutboxStatus.Pending, 1, time.GetUtcNow()), (row.Status, row.KeyGeneration, row.NextAttemptAt));
        NoahIsLinked(true);
        await Dispatcher().RunOnceAsync(Ct);
        Assert.Equal(OutboxStatus.Posted, (await RowAsync("o1"))!.Status);
        Assert.Equal(1, rrr.CallsPerKey["earn_token_o1_g1"]);
    }

    [Fact]
    public async Task ARefundOfAHeldOrder_ClosesBoth_WithoutCallingRrr_AndALaterLinkPostsNothing()
    {
        await HoldAsync(Paid("o1"));
        await Store.TryAddManyAsync([Refunded("o1")], Ct);

        await Dispatcher().RunOnceAsync(Ct);

        var refund = (await RowAsync("o1", OrderEventKind.Refunded))!;
        var paid = (await RowAsync("o1"))!;
        Assert.Equal((OutboxStatus.Posted, EarnPostResult.NothingToReverse), (refund.Status, refund.Result!.Status));
        Assert.Equal((OutboxStatus.Posted, EarnPostResult.Cancelled, (string?)null), (paid.Status, paid.Result!.Status, paid.Result.EarnEventId));
        Assert.Empty(rrr.Reversals);
        Assert.Equal(1, rrr.TotalCalls);

        NoahIsLinked(true);
        Assert.Equal(0, await held.ReleaseAsync(Noah, Ct));
        Assert.Equal(0, await Dispatcher().RunOnceAsync(Ct));

        // An admin retrying the refund finds nothing to reverse again.
        Assert.True(await Store.RetryAsync(refund.Key, time.GetUtcNow(), Ct));
        await Dispatcher().RunOnceAsync(Ct);
        Assert.Equal(EarnPostResult.NothingToReverse, (await RowAsync("o1", OrderEventKind.Refunded))!.Result!.Status);
        Assert.Equal(1, rrr.TotalCalls);
    }

    [Fact]
    public async Task TheMembersSummary_AddsTheExpectedPointsOfTheirHeldOrders()
    {
        // 19.99 tokens → 19, 5.00 membership → 10 (the configured rules); another buyer's and a posted order do not count.
        await Store.TryAddManyAsync([Paid("mia1", user: "xcn_u_1001")], Ct);
        NoahIsLinked(true);
        await Dispatcher().RunOnceAsync(Ct);
        await HoldAsync(Paid("o1"), Paid("o2", amount: 5m, product: EarnProduct.Membership), Paid("pia1", user: "xcn_u_1004"));

        var summary = await held.SummaryAsync(Noah, Ct);

        Assert.Equal((29L, 2, (DateTimeOffset?)(T0 + settings.HoldUnlinkedFor)), (summary.Points, summary.Orders, summary.FirstExpiresAt));
        Assert.False((await held.SummaryAsync("xcn_u_1001", Ct)).Any);
    }

    [Fact]
    public void HoldUnlinkedFor_IsValidatedAtStartUp()
    {
        var validator = new EarnOptionsValidator();

        Assert.True(validator.Validate(null, new EarnOptions { HoldUnlinkedFor = TimeSpan.Zero }).Succeeded);
        Assert.Equal(TimeSpan.FromDays(30), new EarnOptions().HoldUnlinkedFor);
        var failure = validator.Validate(null, new EarnOptions { HoldUnlinkedFor = TimeSpan.FromHours(-1) });
        Assert.Contains("Earn:HoldUnlinkedFor must be between 0 (no hold) and 365 days.", failure.Failures!);
        Assert.True(validator.Validate(null, new EarnOptions { HoldUnlinkedFor = TimeSpan.FromDays(366) }).Failed);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(10, Ct);
        }

        Assert.Fail("The release did not happen.");
    }
}
