using Rrr.Core.Features.Earn;
using Rrr.Core.Persistence;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Earn;
using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>
/// Behaviour every adapter's earn outbox must share. Each test has its own storage; several adapter
/// instances over it stand for several portal instances.
/// </summary>
public abstract class EarnOutboxContract<TAdapter> : IAsyncLifetime
    where TAdapter : StoreAdapter, new()
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected PortalStores OpenStore() => Adapter.Open();

    /// <summary>This test's storage on the adapter under test.</summary>
    protected TAdapter Adapter { get; } = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<PortalStores> ReadyStoreAsync()
    {
        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);
        return store;
    }

    private static EarnOrder Paid(string order, string amount = "12.50", DateTimeOffset? acceptedAt = null) =>
        new(order, OrderEventKind.Paid, "xcn_u_1001", EarnProduct.Tokens,
            new Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), "USD"),
            T0.AddMinutes(-1), acceptedAt ?? T0);

    private static EarnOrder Refunded(string order) =>
        new(order, OrderEventKind.Refunded, "xcn_u_1001", EarnProduct.Tokens, null, T0, T0);

    private static OutboxKey PaidKey(string order) => new(order, OrderEventKind.Paid);

    private static OutboxKey RefundKey(string order) => new(order, OrderEventKind.Refunded);

    private static EarnOrder PaidBy(string order, string user) => Paid(order) with { XcnUserId = user };

    /// <summary>Adds the orders, claims every due row as "a" and holds the paid orders named until <paramref name="until"/>.</summary>
    private static async Task HoldAsync(PortalStores store, DateTimeOffset until, params EarnOrder[] orders)
    {
        await store.Outbox.TryAddManyAsync(orders, Ct);
        await store.Outbox.ClaimBatchAsync("a", 100, T0, T0 + Lease, Ct);
        await store.Outbox.CompleteManyAsync("a", [.. orders.Select(o => OutboxCompletion.Held(o.Key, until, 0))], T0, Ct);
    }

    [Fact]
    public async Task TryAdd_NewOrder_IsStoredPendingAndDue_WithTheAmountsScale()
    {
        var store = await ReadyStoreAsync();

        var outcome = Assert.Single(await store.Outbox.TryAddManyAsync([Paid("o1", "12.50")], Ct));

        Assert.True(outcome.Added);
        var row = await store.Outbox.GetAsync(PaidKey("o1"), Ct);
        Assert.NotNull(row);
        Assert.Equal(Paid("o1", "12.50"), row.Order);
        Assert.Equal("12.50", row.Order.Amount!.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Equal(0, row.Attempts);
        Assert.Equal(T0, row.NextAttemptAt);
        Assert.Null(row.Result);
        Assert.Equal(outcome.Row, row);
    }

    [Fact]
    public async Task TryAdd_Membership_KeepsItsPlanAndTier_AndAnOrderWithoutThemReadsWithout()
    {
        var store = await ReadyStoreAsync();
        var membership = new EarnOrder("m1", OrderEventKind.Paid, "xcn_u_1001", EarnProduct.Membership, new Money(99.00m, "USD"), T0, T0, "yearly", "PREMIUM");

        await store.Outbox.TryAddManyAsync([membership, Paid("o1")], Ct);

        Assert.Equal(membership, (await store.Outbox.GetAsync(PaidKey("m1"), Ct))!.Order);
        var tokens = (await store.Outbox.GetAsync(PaidKey("o1"), Ct))!.Order;
        Assert.Equal((null, null), (tokens.MembershipPlan, tokens.Tier));
        var claimed = await store.Outbox.ClaimBatchAsync("i1", 10, T0, T0 + Lease, Ct);
        Assert.Equal(("yearly", "PREMIUM"), claimed.Where(r => r.Key.OrderNumber == "m1").Select(r => (r.Order.MembershipPlan, r.Order.Tier)).Single());
    }

    [Fact]
    public async Task TryAdd_SameKeyAgain_KeepsTheFirst_AlsoWithinOneBatch()
    {
        var store = await ReadyStoreAsync();
        await store.Outbox.TryAddManyAsync([Paid("o1")], Ct);

        var outcomes = await OpenStore().Outbox.TryAddManyAsync([Paid("o1", "99.00"), Paid("o2"), Paid("o2", "5.00"), Refunded("o1")], Ct);

        Assert.Equal([false, true, false, true], outcomes.Select(o => o.Added));
        Assert.Equal(12.50m, outcomes[0].Row.Order.Amount!.Amount);
        Assert.Equal(12.50m, outcomes[2].Row.Order.Amount!.Amount);
        Assert.Null(outcomes[3].Row.Order.Amount);
        var counts = await store.Outbox.CountByStatusAsync(Ct);
        Assert.Equal(3, counts[OutboxStatus.Pending]);
        Assert.Equal(0, counts[OutboxStatus.Dead]);
    }

    [Fact]
    public async Task OldestWaiting_IsTheEarliestAcceptedPendingOrClaimedRow_NeverAPostedOrDeadOne()
    {
        var store = await ReadyStoreAsync();
        Assert.Null(await store.Outbox.OldestWaitingAcceptedAtAsync(Ct));
        await store.Outbox.TryAddManyAsync(
            [Paid("posted", acceptedAt: T0.AddHours(-3)), Paid("claimed", acceptedAt: T0.AddHours(-2)), Paid("pending", acceptedAt: T0.AddHours(-1))], Ct);
        await store.Outbox.ClaimBatchAsync("a", 2, T0, T0 + Lease, Ct);
        await store.Outbox.CompleteManyAsync("a", [new OutboxCompletion(PaidKey("posted"), CompletionKind.Posted, new EarnPostResult("ee_1", 12, "POSTED"))], T0, Ct);

        Assert.Equal(T0.AddHours(-2), await store.Outbox.OldestWaitingAcceptedAtAsync(Ct));

        await store.Outbox.CompleteManyAsync("a", [new OutboxCompletion(PaidKey("claimed"), CompletionKind.Dead, ErrorCode: "not_linked")], T0, Ct);
        Assert.Equal(T0.AddHours(-1), await store.Outbox.OldestWaitingAcceptedAtAsync(Ct));
    }

    [Fact]
    public async Task Claim_LeasesDueRows_OldestFirst_AndHidesThemFromOthers()
    {
        var store = await ReadyStoreAsync();
        await store.Outbox.TryAddManyAsync([Paid("o2", acceptedAt: T0.AddSeconds(1)), Paid("o1"), Paid("later", acceptedAt: T0.AddHours(1))], Ct);

        var claimed = await store.Outbox.ClaimBatchAsync("a", 10, T0.AddSeconds(5), T0.AddSeconds(5) + Lease, Ct);
        var other = await OpenStore().Outbox.ClaimBatchAsync("b", 10, T0.AddSeconds(6), T0.AddSeconds(6) + Lease, Ct);

        Assert.Equal(["o1", "o2"], claimed.Select(r => r.Order.OrderNumber));
        Assert.All(claimed, r => Assert.Equal((OutboxStatus.Claimed, "a"), (r.Status, r.LeaseOwner)));
        Assert.Empty(other);
    }

    [Fact]
    public async Task Claim_AfterLeaseExpiry_GoesToAnotherOwner_AndTheFirstOwnersCompletionIsRefused()
    {
        var store = await ReadyStoreAsync();
        await store.Outbox.TryAddManyAsync([Paid("o1")], Ct);
        await store.Outbox.ClaimBatchAsync("a", 10, T0, T0 + Lease, Ct);

        var second = OpenStore().Outbox;
        var reclaimed = Assert.Single(await second.ClaimBatchAsync("b", 10, T0 + Lease, T0 + Lease + Lease, Ct));
        var late = await store.Outbox.CompleteManyAsync(
            "a", [new OutboxCompletion(PaidKey("o1"), CompletionKind.Posted, new EarnPostResult("ee_1", 12, "POSTED"))], T0 + Lease, Ct);

        Assert.Equal("b", reclaimed.LeaseOwner);
        Assert.Equal([false], late);
        Assert.Equal(OutboxStatus.Claimed, (await second.GetAsync(PaidKey("o1"), Ct))!.Status);
    }

    [Fact]
    public async Task Complete_Posted_Retry_Dead_SettleAsTold()
    {
        var store = await ReadyStoreAsync();
        await store.Outbox.TryAddManyAsync([Paid("p"), Paid("r"), Paid("w"), Paid("d")], Ct);
        await store.Outbox.ClaimBatchAsync("a", 10, T0, T0 + Lease, Ct);

        var marked = await store.Outbox.CompleteManyAsync(
            "a",
            [
                new OutboxCompletion(PaidKey("p"), CompletionKind.Posted, new EarnPostResult("ee_1", 12, "POSTED")),
                new OutboxCompletion(PaidKey("r"), CompletionKind.Retry, ErrorCode: "request_in_progress", RetryAt: T0.AddSeconds(30)),
                new OutboxCompletion(PaidKey("w"), CompletionKind.Retry, ErrorCode: "rrr_unavailable", RetryAt: T0.AddSeconds(9), CountsAsAttempt: false),
                new OutboxCompletion(PaidKey("d"), CompletionKind.Dead, ErrorCode: "not_linked"),
            ],
            T0.AddSeconds(1),
            Ct);

        Assert.Equal([true, true, true, true], marked);
        var posted = (await store.Outbox.GetAsync(PaidKey("p"), Ct))!;
        Assert.Equal((OutboxStatus.Posted, new EarnPostResult("ee_1", 12, "POSTED"), (string?)null, 0), (posted.Status, posted.Result, posted.LeaseOwner, posted.Attempts));
        var retry = (await store.Outbox.GetAsync(PaidKey("r"), Ct))!;
        Assert.Equal((OutboxStatus.Pending, 1, T0.AddSeconds(30), "request_in_progress"), (retry.Status, retry.Attempts, retry.NextAttemptAt, retry.LastError));
        var waited = (await store.Outbox.GetAsync(PaidKey("w"), Ct))!;
        Assert.Equal((OutboxStatus.Pending, 0, T0.AddSeconds(9)), (waited.Status, waited.Attempts, waited.NextAttemptAt));
        var dead = (await store.Outbox.GetAsync(PaidKey("d"), Ct))!;
        Assert.Equal((OutboxStatus.Dead, 1, "not_linked"), (dead.Status, dead.Attempts, dead.LastError));

        // Not due yet: only "w" comes back at +10 s, and "r" at +30 s.
        Assert.Equal(["w"], (await store.Outbox.ClaimBatchAsync("a", 10, T0.AddSeconds(10), T0.AddSeconds(10) + Lease, Ct)).Select(r => r.Order.OrderNumber));
        Assert.Equal(["r"], (await store.Outbox.ClaimBatchAsync("a", 10, T0.AddSeconds(30), T0.AddSeconds(30) + Lease, Ct)).Select(r => r.Order.OrderNumber));
    }

    [Fact]
    public async Task Claim_FromManyInstancesAtOnce_NeverLeasesARowTwice()
    {
        var store = await ReadyStoreAsync();
        await store.Outbox.TryAddManyAsync(Enumerable.Range(0, 60).Select(i => Paid($"o{i:D2}")).ToList(), Ct);

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(
            async () => await OpenStore().Outbox.ClaimBatchAsync($"owner{i}", 25, T0, T0 + Lease, Ct), Ct)));

        var all = claims.SelectMany(c => c).Select(r => r.Order.OrderNumber).ToList();
        Assert.Equal(60, all.Count);
        Assert.Equal(60, all.Distinct().Count());
    }

    [Fact]
    public async Task Retry_PutsDeadLettersBack_AndOnlyThem()
    {
        var store = await ReadyStoreAsync();
        await store.Outbox.TryAddManyAsync([Paid("d1"), Paid("d2"), Paid("p"), Refunded("p"), Refunded("d1")], Ct);
        await store.Outbox.ClaimBatchAsync("a", 10, T0, T0 + Lease, Ct);
        await store.Outbox.CompleteManyAsync(
            "a",
            [
                new OutboxCompletion(PaidKey("d1"), CompletionKind.Dead, ErrorCode: "not_linked"),
                new OutboxCompletion(PaidKey("d2"), CompletionKind.Dead, ErrorCode: "validation_failed"),
                new OutboxCompletion(PaidKey("p"), CompletionKind.Posted, new EarnPostResult("ee_1", 12, "POSTED")),
                new OutboxCompletion(new OutboxKey("p", OrderEventKind.Refunded), CompletionKind.Posted, new EarnPostResult("ee_1", 12, "REVERSED")),
                new OutboxCompletion(new OutboxKey("d1", OrderEventKind.Refunded), CompletionKind.Posted, new EarnPostResult(null, null, EarnPostResult.NothingToReverse)),
            ],
            T0,
            Ct);
        Assert.Equal(["d1", "d2"], (await store.Outbox.ListAsync(OutboxStatus.Dead, 10, Ct)).Select(r => r.Order.OrderNumber).Order());

        Assert.True(await store.Outbox.RetryAsync(PaidKey("d1"), T0.AddMinutes(1), Ct));
        Assert.False(await store.Outbox.RetryAsync(PaidKey("p"), T0.AddMinutes(1), Ct));
        Assert.False(await store.Outbox.RetryAsync(new OutboxKey("p", OrderEventKind.Refunded), T0.AddMinutes(1), Ct));
        Assert.True(await store.Outbox.RetryAsync(new OutboxKey("d1", OrderEventKind.Refunded), T0.AddMinutes(1), Ct));
        Assert.Equal(1, await store.Outbox.RetryAllDeadAsync(T0.AddMinutes(1), Ct));

        var retried = (await store.Outbox.GetAsync(PaidKey("d1"), Ct))!;
        Assert.Equal((OutboxStatus.Pending, 0, T0.AddMinutes(1)), (retried.Status, retried.Attempts, retried.NextAttemptAt));
        Assert.Null((await store.Outbox.GetAsync(new OutboxKey("d1", OrderEventKind.Refunded), Ct))!.Result);
        var counts = await store.Outbox.CountByStatusAsync(Ct);
        Assert.Equal((3L, 2L, 0L), (counts[OutboxStatus.Pending], counts[OutboxStatus.Posted], counts[OutboxStatus.Dead]));
    }

    [Fact]
    public async Task Retry_RaisesTheKeyGeneration_WhichStartsAtZero_AndAutomaticRetriesKeepIt()
    {
        var store = await ReadyStoreAsync();
        await store.Outbox.TryAddManyAsync([Paid("d1"), Paid("d2"), Paid("w")], Ct);
        Assert.Equal(0, (await store.Outbox.GetAsync(PaidKey("d1"), Ct))!.KeyGeneration);
        await store.Outbox.ClaimBatchAsync("a", 10, T0, T0 + Lease, Ct);
        await store.Outbox.CompleteManyAsync(
            "a",
            [
                new OutboxCompletion(PaidKey("d1"), CompletionKind.Dead, ErrorCode: "not_linked"),
                new OutboxCompletion(PaidKey("d2"), CompletionKind.Dead, ErrorCode: "not_linked"),
                new OutboxCompletion(PaidKey("w"), CompletionKind.Retry, ErrorCode: "request_in_progress", RetryAt: T0.AddSeconds(2)),
            ],
            T0,
            Ct);

        Assert.True(await store.Outbox.RetryAsync(PaidKey("d1"), T0.AddMinutes(1), Ct));
        Assert.Equal(1, await store.Outbox.RetryAllDeadAsync(T0.AddMinutes(1), Ct));
        await store.Outbox.ClaimBatchAsync("a", 10, T0.AddMinutes(1), T0.AddMinutes(1) + Lease, Ct);
        await store.Outbox.CompleteManyAsync("a", [new OutboxCompletion(PaidKey("d1"), CompletionKind.Dead, ErrorCode: "not_linked")], T0.AddMinutes(1), Ct);
        Assert.True(await store.Outbox.RetryAsync(PaidKey("d1"), T0.AddMinutes(2), Ct));

        Assert.Equal(2, (await store.Outbox.GetAsync(PaidKey("d1"), Ct))!.KeyGeneration);
        Assert.Equal(1, (await store.Outbox.GetAsync(PaidKey("d2"), Ct))!.KeyGeneration);
        Assert.Equal(0, (await store.Outbox.GetAsync(PaidKey("w"), Ct))!.KeyGeneration);
    }

    [Fact]
    public async Task Complete_PaidPosted_ReopensItsRefundThatWaitedInVain_WithANewKeyGenerationOnlyWhenRrrHadRefusedIt()
    {
        var store = await ReadyStoreAsync();
        OutboxKey RefundKey(string order) => new(order, OrderEventKind.Refunded);
        await store.Outbox.TryAddManyAsync([Refunded("a"), Refunded("b"), Refunded("c"), Refunded("d"), Refunded("e")], Ct);
        await store.Outbox.ClaimBatchAsync("a", 10, T0, T0 + Lease, Ct);
        await store.Outbox.CompleteManyAsync(
            "a",
            [
                new OutboxCompletion(RefundKey("a"), CompletionKind.Dead, ErrorCode: "paid_order_unknown"),
                new OutboxCompletion(RefundKey("b"), CompletionKind.Dead, ErrorCode: "invalid_state"),
                new OutboxCompletion(RefundKey("c"), CompletionKind.Posted, new EarnPostResult(null, null, EarnPostResult.NothingToReverse)),
                new OutboxCompletion(RefundKey("d"), CompletionKind.Dead, ErrorCode: "paid_order_unknown"),
                new OutboxCompletion(RefundKey("e"), CompletionKind.Posted, new EarnPostResult("ee_e", 12, EarnPostResult.Reversed)),
            ],
            T0,
            Ct);
        await store.Outbox.TryAddManyAsync([Paid("a"), Paid("b"), Paid("c"), Paid("d"), Paid("e")], Ct);
        Assert.Equal(5, (await store.Outbox.ClaimBatchAsync("b", 10, T0, T0 + Lease, Ct)).Count);

        var settledAt = T0.AddSeconds(5);
        var marked = await store.Outbox.CompleteManyAsync(
            "b",
            [
                new OutboxCompletion(PaidKey("a"), CompletionKind.Posted, new EarnPostResult("ee_a", 12, "POSTED")),
                new OutboxCompletion(PaidKey("b"), CompletionKind.Posted, new EarnPostResult("ee_b", 12, "POSTED")),
                new OutboxCompletion(PaidKey("c"), CompletionKind.Posted, new EarnPostResult("ee_c", 12, EarnPostResult.Duplicate)),
                new OutboxCompletion(PaidKey("d"), CompletionKind.Retry, ErrorCode: "request_in_progress", RetryAt: T0.AddSeconds(9)),
                new OutboxCompletion(PaidKey("e"), CompletionKind.Posted, new EarnPostResult("ee_e", 12, "POSTED")),
            ],
            settledAt,
            Ct);

        Assert.All(marked, m => Assert.True(m));
        var a = (await store.Outbox.GetAsync(RefundKey("a"), Ct))!;
        Assert.Equal((OutboxStatus.Pending, 0, settledAt, 0, (EarnPostResult?)null), (a.Status, a.Attempts, a.NextAttemptAt, a.KeyGeneration, a.Result));
        var b = (await store.Outbox.GetAsync(RefundKey("b"), Ct))!;
        Assert.Equal((OutboxStatus.Pending, 1), (b.Status, b.KeyGeneration));
        var c = (await store.Outbox.GetAsync(RefundKey("c"), Ct))!;
        Assert.Equal((OutboxStatus.Pending, 0, (EarnPostResult?)null), (c.Status, c.KeyGeneration, c.Result));
        Assert.Equal(OutboxStatus.Dead, (await store.Outbox.GetAsync(RefundKey("d"), Ct))!.Status);
        var e = (await store.Outbox.GetAsync(RefundKey("e"), Ct))!;
        Assert.Equal((OutboxStatus.Posted, EarnPostResult.Reversed), (e.Status, e.Result!.Status));
        Assert.Equal(["a", "b", "c"], (await store.Outbox.ClaimBatchAsync("c", 10, settledAt, settledAt + Lease, Ct))
            .Where(r => r.Order.Kind == OrderEventKind.Refunded).Select(r => r.Order.OrderNumber).Order());
    }

    [Fact]
    public async Task Complete_Held_KeepsTheRowOutOfEveryClaim_WithoutAnAttempt_AndListsItForItsBuyer()
    {
        var store = await ReadyStoreAsync();
        var until = T0.AddDays(30);

        await HoldAsync(store, until, PaidBy("o2", "noah"), PaidBy("o1", "noah"), PaidBy("m1", "mia"));

        var row = (await store.Outbox.GetAsync(PaidKey("o1"), Ct))!;
        Assert.Equal((OutboxStatus.Held, 0, "not_linked", until, until, (string?)null), (row.Status, row.Attempts, row.LastError, row.HeldUntil, row.NextAttemptAt, row.LeaseOwner));
        Assert.Empty(await OpenStore().Outbox.ClaimBatchAsync("b", 10, until.AddDays(1), until.AddDays(1) + Lease, Ct));
        Assert.Equal(["o1", "o2"], (await store.Outbox.ListHeldAsync("noah", 10, Ct)).Select(r => r.Order.OrderNumber).Order());
        Assert.Single(await store.Outbox.ListHeldAsync("noah", 1, Ct));
        Assert.Empty(await store.Outbox.ListHeldAsync("pia", 10, Ct));
        Assert.Equal(3, (await store.Outbox.CountByStatusAsync(Ct))[OutboxStatus.Held]);
        Assert.Equal(3, (await store.Outbox.ListAsync(OutboxStatus.Held, 10, Ct)).Count);
        Assert.Null(await store.Outbox.OldestWaitingAcceptedAtAsync(Ct));
    }

    [Fact]
    public async Task ReleaseHeld_SendsTheBuyersHeldOrdersBackInANewGeneration_AndMarksTheirClaimedOnes_SoAStaleHoldSettlesPending()
    {
        var store = await ReadyStoreAsync();
        var until = T0.AddDays(30);
        await HoldAsync(store, until, PaidBy("h1", "noah"), PaidBy("h2", "mia"));
        await store.Outbox.TryAddManyAsync([PaidBy("c1", "noah"), PaidBy("p1", "noah")], Ct);
        Assert.Equal(["c1", "p1"], (await store.Outbox.ClaimBatchAsync("a", 2, T0, T0 + Lease, Ct)).Select(r => r.Order.OrderNumber).Order());
        await store.Outbox.CompleteManyAsync("a", [new OutboxCompletion(PaidKey("p1"), CompletionKind.Retry, ErrorCode: "request_in_progress", RetryAt: T0.AddHours(1))], T0, Ct);
        var now = T0.AddMinutes(5);

        Assert.Equal(1, await OpenStore().Outbox.ReleaseHeldAsync("noah", now, Ct));

        var h1 = (await store.Outbox.GetAsync(PaidKey("h1"), Ct))!;
        Assert.Equal((OutboxStatus.Pending, 0, now, 1, until, (string?)null), (h1.Status, h1.Attempts, h1.NextAttemptAt, h1.KeyGeneration, h1.HeldUntil, h1.LeaseOwner));
        Assert.Equal((OutboxStatus.Held, 0), ((await store.Outbox.GetAsync(PaidKey("h2"), Ct))!.Status, (await store.Outbox.GetAsync(PaidKey("h2"), Ct))!.KeyGeneration));
        var c1 = (await store.Outbox.GetAsync(PaidKey("c1"), Ct))!;
        Assert.Equal((OutboxStatus.Claimed, 1, "a"), (c1.Status, c1.KeyGeneration, c1.LeaseOwner));
        Assert.Equal((OutboxStatus.Pending, 0), ((await store.Outbox.GetAsync(PaidKey("p1"), Ct))!.Status, (await store.Outbox.GetAsync(PaidKey("p1"), Ct))!.KeyGeneration));

        // c1's not_linked was asked in generation 0, before the link: it is due again at once, not held.
        Assert.Equal([true], await store.Outbox.CompleteManyAsync("a", [OutboxCompletion.Held(PaidKey("c1"), until, 0)], now, Ct));
        c1 = (await store.Outbox.GetAsync(PaidKey("c1"), Ct))!;
        Assert.Equal((OutboxStatus.Pending, now, 0, until), (c1.Status, c1.NextAttemptAt, c1.Attempts, c1.HeldUntil));
        Assert.Equal(0, await store.Outbox.ReleaseHeldAsync("noah", now, Ct));
        Assert.Equal(["c1", "h1"], (await store.Outbox.ClaimBatchAsync("b", 10, now, now + Lease, Ct)).Select(r => r.Order.OrderNumber).Order());
    }

    [Fact]
    public async Task ExpireHeld_DeadLettersTheHoldsPastTheirEnd_AndARetryKeepsTheirEnd()
    {
        var store = await ReadyStoreAsync();
        await HoldAsync(store, T0.AddDays(1), PaidBy("soon", "noah"));
        await HoldAsync(store, T0.AddDays(3), PaidBy("later", "noah"));

        Assert.Equal(1, await store.Outbox.ExpireHeldAsync(T0.AddDays(2), Ct));
        Assert.Equal(0, await OpenStore().Outbox.ExpireHeldAsync(T0.AddDays(2), Ct));

        var expired = (await store.Outbox.GetAsync(PaidKey("soon"), Ct))!;
        Assert.Equal((OutboxStatus.Dead, OutboxCodes.HoldExpired, T0.AddDays(2)), (expired.Status, expired.LastError, expired.UpdatedAt));
        Assert.Equal(OutboxStatus.Held, (await store.Outbox.GetAsync(PaidKey("later"), Ct))!.Status);
        Assert.Equal(1, await store.Outbox.CountDeadAsync(OutboxCodes.HoldExpired, Ct));
        Assert.Equal(0, await store.Outbox.CountDeadAsync("not_linked", Ct));
        Assert.True(await store.Outbox.RetryAsync(PaidKey("soon"), T0.AddDays(2), Ct));
        var retried = (await store.Outbox.GetAsync(PaidKey("soon"), Ct))!;
        Assert.Equal((OutboxStatus.Pending, 1, T0.AddDays(1)), (retried.Status, retried.KeyGeneration, retried.HeldUntil));
    }

    [Fact]
    public async Task Complete_ARefundCancellingItsHeldPaidOrder_ClosesIt_OrGoesRoundAgainIfItWasReleasedMeanwhile()
    {
        var store = await ReadyStoreAsync();
        await HoldAsync(store, T0.AddDays(30), PaidBy("a", "noah"), PaidBy("b", "mia"));
        await store.Outbox.TryAddManyAsync([Refunded("a") with { XcnUserId = "noah" }, Refunded("b") with { XcnUserId = "mia" }], Ct);
        Assert.Equal(2, (await store.Outbox.ClaimBatchAsync("r", 10, T0, T0 + Lease, Ct)).Count);
        await store.Outbox.ReleaseHeldAsync("mia", T0, Ct);
        var nothing = new EarnPostResult(null, null, EarnPostResult.NothingToReverse);
        var settledAt = T0.AddSeconds(1);

        var marked = await store.Outbox.CompleteManyAsync(
            "r",
            [
                new OutboxCompletion(RefundKey("a"), CompletionKind.Posted, nothing, CancelsHeldPaid: true),
                new OutboxCompletion(RefundKey("b"), CompletionKind.Posted, nothing, CancelsHeldPaid: true),
            ],
            settledAt,
            Ct);

        Assert.Equal([true, true], marked);
        var paidA = (await store.Outbox.GetAsync(PaidKey("a"), Ct))!;
        Assert.Equal((OutboxStatus.Posted, EarnPostResult.Cancelled, (string?)null), (paidA.Status, paidA.Result!.Status, paidA.Result.EarnEventId));
        var refundA = (await store.Outbox.GetAsync(RefundKey("a"), Ct))!;
        Assert.Equal((OutboxStatus.Posted, EarnPostResult.NothingToReverse), (refundA.Status, refundA.Result!.Status));
        Assert.Equal(OutboxStatus.Pending, (await store.Outbox.GetAsync(PaidKey("b"), Ct))!.Status);
        var refundB = (await store.Outbox.GetAsync(RefundKey("b"), Ct))!;
        Assert.Equal((OutboxStatus.Pending, settledAt, (EarnPostResult?)null, "waiting_for_paid"), (refundB.Status, refundB.NextAttemptAt, refundB.Result, refundB.LastError));
        Assert.Equal(0, await store.Outbox.ReleaseHeldAsync("noah", settledAt, Ct));
    }
}
