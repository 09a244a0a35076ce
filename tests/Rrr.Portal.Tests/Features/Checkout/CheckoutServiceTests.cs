using Rrr.Core.Features.Checkout;
using Rrr.Core.Features.Earn;
using Rrr.Core.Rrr;
using Rrr.Portal.Tests.Features.Wallet;

namespace Rrr.Portal.Tests.Features.Checkout;

public sealed class CheckoutServiceTests : IAsyncLifetime
{
    private readonly CheckoutHarness h = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => h.DisposeAsync();

    [Fact]
    public async Task Start_TwiceForTheSamePack_ResumesTheUntouchedOrder()
    {
        var mia = h.For("xcn_u_1001");
        var orders = await Task.WhenAll(mia.StartAsync("starter", Ct), mia.StartAsync("starter", Ct));

        Assert.Equal(orders[0].OrderNumber, orders[1].OrderNumber);
        Assert.Matches("^xcn_co_[0-9a-f]{16}$", orders[0].OrderNumber);
        Assert.Equal(10.99m, orders[0].Price.Amount);
        Assert.Single(await mia.ListAsync(Ct));
    }

    [Fact]
    public async Task Hold_DoubleClick_HoldsOnce()
    {
        var mia = h.For("xcn_u_1001");
        var order = await mia.StartAsync("starter", Ct);

        var steps = await Task.WhenAll(mia.HoldPointsAsync(order.OrderNumber, 500, Ct), mia.HoldPointsAsync(order.OrderNumber, 500, Ct));

        Assert.Equal(1, h.Rrr.Count("quote"));
        Assert.All(steps, s => Assert.Equal(CheckoutStatus.PointsHeld, s.Order.Status));
        Assert.Equal(steps[0].Order.QuoteId, steps[1].Order.QuoteId);
        Assert.Equal(500, h.Rrr.Escrow("rrr_m_1001"));
        Assert.Equal(5.99m, steps[0].Order.AmountDue.Amount);
    }

    [Fact]
    public async Task Hold_FromTwoInstancesAtOnce_HoldsOnce()
    {
        var order = await h.For("xcn_u_1001").StartAsync("starter", Ct);
        using var otherInstanceLocks = new CheckoutLocks();
        var a = h.For("xcn_u_1001");
        var b = h.For("xcn_u_1001", otherInstanceLocks);

        var steps = await Task.WhenAll(a.HoldPointsAsync(order.OrderNumber, 300, Ct), b.HoldPointsAsync(order.OrderNumber, 300, Ct));

        // Same key on both: RRR ran the hold once and the store kept one transition.
        Assert.Equal(1, h.Rrr.Count("quote"));
        Assert.Equal(steps[0].Order.QuoteId, steps[1].Order.QuoteId);
        Assert.Equal(300, h.Rrr.Escrow("rrr_m_1001"));
        Assert.Equal(2, (await h.Store.Orders.GetCheckoutOrderAsync(order.OrderNumber, Ct))!.Version);
    }

    [Fact]
    public async Task Pay_Approved_CommitsOnceEvenOnADoubleClick_AndReportsTheCashPartForEarn()
    {
        var mia = h.For("xcn_u_1001");
        var order = await mia.StartAsync("starter", Ct);
        await mia.HoldPointsAsync(order.OrderNumber, 100, Ct);

        var steps = await Task.WhenAll(
            mia.PayAsync(order.OrderNumber, SandboxCard.Approves, Ct), mia.PayAsync(order.OrderNumber, SandboxCard.Approves, Ct));

        Assert.All(steps, s => Assert.Equal(CheckoutStatus.Completed, s.Order.Status));
        Assert.Equal(1, h.Payments.ChargeCount);
        Assert.Equal(1, h.Rrr.Count("commit"));
        Assert.Equal(0, h.Rrr.Escrow("rrr_m_1001"));
        Assert.Equal(1150, h.Rrr.Available["rrr_m_1001"]);
        var earn = await h.Store.Outbox.GetAsync(new OutboxKey(order.OrderNumber, OrderEventKind.Paid), Ct);
        Assert.NotNull(earn);
        Assert.Equal(9.99m, earn.Order.Amount!.Amount);
        Assert.Equal("xcn_u_1001", earn.Order.XcnUserId);
    }

    [Fact]
    public async Task Pay_Declined_ReversesTheHold_AndNothingIsCommittedOrEarned()
    {
        var mia = h.For("xcn_u_1001");
        var order = await mia.StartAsync("starter", Ct);
        await mia.HoldPointsAsync(order.OrderNumber, 200, Ct);

        var step = await mia.PayAsync(order.OrderNumber, SandboxCard.Declines, Ct);

        Assert.Equal(CheckoutStatus.Reversed, step.Order.Status);
        Assert.Equal(CheckoutNotice.PaymentDeclined, step.Notice);
        Assert.Equal(PaymentOutcome.Declined, step.Order.Payment);
        Assert.Equal(1, h.Rrr.Count("reverse"));
        Assert.Equal(0, h.Rrr.Count("commit"));
        Assert.Equal(1250, h.Rrr.Available["rrr_m_1001"]);
        Assert.Equal(0, h.Rrr.Escrow("rrr_m_1001"));
        Assert.Null(await h.Store.Outbox.GetAsync(new OutboxKey(order.OrderNumber, OrderEventKind.Paid), Ct));

        // A later click on the finished order changes nothing.
        var again = await mia.PayAsync(order.OrderNumber, SandboxCard.Approves, Ct);
        Assert.Equal(CheckoutStatus.Reversed, again.Order.Status);
        Assert.Equal(1, h.Payments.ChargeCount);
    }

    [Fact]
    public async Task Refresh_ResumesTheSameOrder_AndFinishesACommitThatAnOutageInterrupted()
    {
        var tab1 = h.For("xcn_u_1001");
        var order = await tab1.StartAsync("starter", Ct);
        var held = await tab1.HoldPointsAsync(order.OrderNumber, 400, Ct);

        var tab2 = h.For("xcn_u_1001");
        var resumed = await tab2.ResumeAsync(order.OrderNumber, Ct);
        Assert.Equal(held.Order.QuoteId, resumed.Order.QuoteId);
        Assert.Equal(CheckoutStatus.PointsHeld, resumed.Order.Status);

        // Paid, then RRR goes away before the commit: the money is taken, the commit waits.
        var quotes = h.Rrr.Count("quote");
        h.AfterCharge = () => h.Rrr.Down = true;
        var paid = await tab2.PayAsync(order.OrderNumber, SandboxCard.Approves, Ct);
        Assert.Equal(CheckoutStatus.Paid, paid.Order.Status);
        Assert.Equal(CheckoutNotice.CommitPending, paid.Notice);

        h.Rrr.Down = false;
        var finished = await h.For("xcn_u_1001").ResumeAsync(order.OrderNumber, Ct);
        Assert.Equal(CheckoutStatus.Completed, finished.Order.Status);
        Assert.Equal(quotes, h.Rrr.Count("quote"));
        Assert.Equal(1, h.Rrr.Count("commit"));
        Assert.Equal(850, h.Rrr.Available["rrr_m_1001"]);
    }

    [Fact]
    public async Task Pay_AfterACrashBetweenChargeAndStore_WithAnotherAmount_ChargesThatAmount_InsteadOfReplayingTheFirst()
    {
        var mia = h.For("xcn_u_1001");
        var order = await mia.StartAsync("starter", Ct);
        var held = await mia.HoldPointsAsync(order.OrderNumber, 100, Ct);
        Assert.Equal(9.99m, held.Order.AmountDue.Amount);

        // The gateway charged 9.99, then the instance died before the order recorded it.
        h.AfterCharge = () => throw new IOException("instance lost");
        await Assert.ThrowsAsync<IOException>(() => mia.PayAsync(order.OrderNumber, SandboxCard.Approves, Ct));
        h.AfterCharge = null;
        var firstRef = CheckoutReferences.PaymentRefFor(order.OrderNumber, held.Order.AmountDue);
        Assert.Equal(9.99m, h.Payments.ChargedAmount(firstRef)!.Amount);

        // The hold runs out; the member comes back and uses more points, so 5.99 is due now.
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Rrr.Expire(held.Order.QuoteId!);
        Assert.Equal(CheckoutNotice.HoldExpired, (await mia.PayAsync(order.OrderNumber, SandboxCard.Approves, Ct)).Notice);
        var rehold = await mia.HoldPointsAsync(order.OrderNumber, 500, Ct);
        Assert.Equal(5.99m, rehold.Order.AmountDue.Amount);

        var paid = await mia.PayAsync(order.OrderNumber, SandboxCard.Approves, Ct);

        Assert.Equal(CheckoutStatus.Completed, paid.Order.Status);
        Assert.NotEqual(firstRef, paid.Order.PaymentRef);
        Assert.Equal(new Money(5.99m, "USD"), h.Payments.ChargedAmount(paid.Order.PaymentRef!));
        Assert.Equal(2, h.Payments.ChargeCount);
    }

    [Fact]
    public void PaymentRef_BindsOrderAmountAndCurrency_AndIsStableForTheSameAmount()
    {
        var same = CheckoutReferences.PaymentRefFor("xcn_co_0123456789abcdef", new Money(5.90m, "USD"));

        Assert.Equal(same, CheckoutReferences.PaymentRefFor("xcn_co_0123456789abcdef", new Money(5.9m, "USD")));
        Assert.NotEqual(same, CheckoutReferences.PaymentRefFor("xcn_co_0123456789abcdef", new Money(9.99m, "USD")));
        Assert.NotEqual(same, CheckoutReferences.PaymentRefFor("xcn_co_0123456789abcdef", new Money(5.90m, "EUR")));
        Assert.NotEqual(same, CheckoutReferences.PaymentRefFor("xcn_co_fedcba9876543210", new Money(5.90m, "USD")));
        Assert.True(global::Rrr.Core.Rrr.Http.IdempotencyKeys.IsValid(same));
    }

    [Fact]
    public async Task ExpiredHold_IsReported_NothingIsCharged_AndANewHoldCanBeTaken()
    {
        var mia = h.For("xcn_u_1001");
        var order = await mia.StartAsync("starter", Ct);
        var held = await mia.HoldPointsAsync(order.OrderNumber, 300, Ct);
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Rrr.Expire(held.Order.QuoteId!);

        var pay = await mia.PayAsync(order.OrderNumber, SandboxCard.Approves, Ct);

        Assert.Equal(CheckoutNotice.HoldExpired, pay.Notice);
        Assert.Equal(CheckoutStatus.Open, pay.Order.Status);
        Assert.Equal(0, pay.Order.PointsApplied);
        Assert.Equal(0, h.Payments.ChargeCount);
        Assert.Equal(1250, h.Rrr.Available["rrr_m_1001"]);

        var again = await mia.HoldPointsAsync(order.OrderNumber, 300, Ct);
        Assert.Equal(CheckoutStatus.PointsHeld, again.Order.Status);
        Assert.NotEqual(held.Order.QuoteId, again.Order.QuoteId);
        Assert.Equal(300, h.Rrr.Escrow("rrr_m_1001"));
    }

    [Fact]
    public async Task ShortOfTheNextStep_OffersATopup_WhichPaysCommitsAndThenTheHoldWorks()
    {
        var oli = h.For("xcn_u_1003");
        var order = await oli.StartAsync("starter", Ct);

        var choices = await oli.GetRedeemChoicesAsync(order, Ct);
        Assert.Empty(choices.Options);
        Assert.NotNull(choices.Topup);
        Assert.Equal(100, choices.Topup.NextStep);
        Assert.Equal(20, choices.Topup.ShortBy);
        Assert.Equal(100, choices.Topup.Bundles[0].Points);
        Assert.Equal(3.00m, choices.Topup.Bundles[0].IndicativePrice.Amount);

        var refused = await oli.HoldPointsAsync(order.OrderNumber, 100, Ct);
        Assert.Equal(CheckoutNotice.InsufficientPoints, refused.Notice);
        Assert.Equal(CheckoutStatus.Open, refused.Order.Status);

        var start = await oli.StartTopupAsync(100, order.OrderNumber, Ct);
        Assert.NotNull(start.Order);
        Assert.Equal(order.OrderNumber, start.Order.ForOrder);
        Assert.Equal(3.00m, start.Order.Price.Amount);
        var topup = await oli.PayAsync(start.Order.OrderNumber, SandboxCard.Approves, Ct);
        Assert.Equal(CheckoutStatus.Completed, topup.Order.Status);
        Assert.Equal(180, h.Rrr.Available["rrr_m_1003"]);

        // Points bought with money earn nothing.
        Assert.Null(await h.Store.Outbox.GetAsync(new OutboxKey(start.Order.OrderNumber, OrderEventKind.Paid), Ct));

        var held = await oli.HoldPointsAsync(order.OrderNumber, 100, Ct);
        Assert.Equal(CheckoutStatus.PointsHeld, held.Order.Status);
    }

    [Fact]
    public async Task SomeoneElsesOrder_IsNotFound()
    {
        var order = await h.For("xcn_u_1001").StartAsync("starter", Ct);
        var oli = h.For("xcn_u_1003");

        Assert.Null(await oli.FindAsync(order.OrderNumber, Ct));
        await Assert.ThrowsAsync<CheckoutOrderNotFoundException>(() => oli.PayAsync(order.OrderNumber, SandboxCard.Approves, Ct));
        await Assert.ThrowsAsync<CheckoutOrderNotFoundException>(() => oli.HoldPointsAsync(order.OrderNumber, 100, Ct));
        Assert.Null(await oli.FindAsync("../" + order.OrderNumber, Ct));
        Assert.Equal(0, h.Payments.ChargeCount);
        Assert.Equal(CheckoutStatus.Open, (await h.Store.Orders.GetCheckoutOrderAsync(order.OrderNumber, Ct))!.Status);
    }

    [Fact]
    public async Task RrrDown_DuringHold_KeepsTheOrderAsItWas_AndChargesNothing()
    {
        var mia = h.For("xcn_u_1001");
        var order = await mia.StartAsync("starter", Ct);
        await mia.GetRedeemChoicesAsync(order, Ct);
        h.Rrr.Down = true;

        var step = await mia.HoldPointsAsync(order.OrderNumber, 100, Ct);

        Assert.Equal(CheckoutNotice.RrrUnavailable, step.Notice);
        Assert.Equal(CheckoutStatus.Open, step.Order.Status);
        Assert.Equal(order.Version, step.Order.Version);
        Assert.Equal(0, h.Payments.ChargeCount);
        Assert.True((await mia.GetRedeemChoicesAsync(order, Ct)).RrrUnavailable);
    }

    [Fact]
    public async Task UnlinkedMember_PaysWithoutPoints()
    {
        h.Links.Links["xcn_u_1002"] = FakeLinksApi.NotLinked("xcn_u_1002");
        var noah = h.For("xcn_u_1002");
        var order = await noah.StartAsync("taster", Ct);

        Assert.False((await noah.GetRedeemChoicesAsync(order, Ct)).Linked);
        Assert.Equal(CheckoutNotice.NotLinked, (await noah.HoldPointsAsync(order.OrderNumber, 100, Ct)).Notice);
        Assert.Equal(CheckoutNotice.NotLinked, (await noah.StartTopupAsync(100, null, Ct)).Notice);

        var paid = await noah.PayAsync(order.OrderNumber, SandboxCard.Approves, Ct);
        Assert.Equal(CheckoutStatus.Completed, paid.Order.Status);
        Assert.Equal(1.49m, paid.Order.AmountDue.Amount);
        Assert.Equal(0, h.Rrr.Count("commit"));
    }

    [Fact]
    public async Task Cancel_GivesTheHoldBack()
    {
        var mia = h.For("xcn_u_1001");
        var order = await mia.StartAsync("starter", Ct);
        await mia.HoldPointsAsync(order.OrderNumber, 600, Ct);

        var cancelled = await mia.CancelAsync(order.OrderNumber, Ct);

        Assert.Equal(CheckoutStatus.Cancelled, cancelled.Order.Status);
        Assert.Equal(1250, h.Rrr.Available["rrr_m_1001"]);
        Assert.Equal(0, h.Rrr.Escrow("rrr_m_1001"));
    }
}
