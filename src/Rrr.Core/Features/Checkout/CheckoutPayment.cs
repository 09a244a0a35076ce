namespace Rrr.Core.Features.Checkout;

/// <summary>
/// Paying an order and what follows it: the charge, then RRR's commit of the hold or the bought points, the earn
/// report, and the way back when something fails (a declined card reverses the hold; a hold gone before the commit
/// refunds the money). Called under the order's lock, with the order already loaded for its owner.
/// </summary>
internal sealed partial class CheckoutPayment(
    CheckoutService orders,
    CheckoutHolds holds,
    IRrrRedemptionsApi redemptions,
    IRrrTopupsApi topups,
    IXcnPaymentGateway payments,
    EarnIntake earn,
    RrrCircuitState circuit,
    IOptions<CheckoutOptions> options,
    TimeProvider time,
    ILogger logger)
{
    /// <inheritdoc cref="CheckoutService.ResumeAsync"/>
    public async Task<CheckoutStep> ResumeAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        if (order.Status == CheckoutStatus.Paid)
        {
            return await FinishPaidAsync(order, cancellationToken);
        }

        if (order.NeedsReversal)
        {
            return await ReverseDeclinedAsync(order, cancellationToken);
        }

        if (order.HoldsPoints && time.GetUtcNow() >= order.QuoteExpiresAt)
        {
            // RRR released the escrow by itself; tell the member and let them take a new hold.
            var (open, notice) = await holds.GiveBackHoldAsync(order, CheckoutStatus.Open, "expired", cancellationToken);
            return new CheckoutStep(open, notice == CheckoutNotice.RrrUnavailable ? notice : CheckoutNotice.HoldExpired);
        }

        return new CheckoutStep(order);
    }

    /// <inheritdoc cref="CheckoutService.PayAsync"/>
    public async Task<CheckoutStep> PayAsync(CheckoutOrder order, SandboxCard card, CancellationToken cancellationToken)
    {
        if (order.Status == CheckoutStatus.Paid)
        {
            return await FinishPaidAsync(order, cancellationToken);
        }

        if (order.NeedsReversal)
        {
            return await ReverseDeclinedAsync(order, cancellationToken);
        }

        if (order.Status is not (CheckoutStatus.Open or CheckoutStatus.PointsHeld))
        {
            return new CheckoutStep(order);
        }

        var now = time.GetUtcNow();
        var quoteDying = order.QuoteExpiresAt is { } expires && now + options.Value.HoldSafetyMargin >= expires;
        if (order.HoldsPoints && quoteDying)
        {
            var (open, notice) = await holds.GiveBackHoldAsync(order, CheckoutStatus.Open, "expired", cancellationToken);
            return new CheckoutStep(open, notice == CheckoutNotice.RrrUnavailable ? notice : CheckoutNotice.HoldExpired);
        }

        if (order.Kind == CheckoutKind.Topup && (quoteDying || order.QuoteId is null))
        {
            // A top-up quote holds nothing: quote again, show the (possibly new) price, and let the member pay that.
            var (requoted, notice) = await holds.QuoteTopupAsync(order, cancellationToken);
            return requoted is null
                ? new CheckoutStep(order, notice)
                : new CheckoutStep(await orders.MoveOrReloadAsync(order, requoted, cancellationToken), CheckoutNotice.HoldExpired);
        }

        if ((order.HoldsPoints || order.Kind == CheckoutKind.Topup) && circuit.IsOpen)
        {
            // RRR must commit right after the charge; while it is known to be down, take no money at all.
            return new CheckoutStep(order, CheckoutNotice.RrrUnavailable);
        }

        var due = order.AmountDue;
        PaymentOutcome outcome;
        string? paymentRef = null;
        if (due.Amount == 0m)
        {
            outcome = PaymentOutcome.NotRequired;
        }
        else
        {
            paymentRef = CheckoutReferences.PaymentRefFor(order.OrderNumber, due);
            var charge = await payments.ChargeAsync(new XcnCharge(paymentRef, order.XcnUserId, due, card), cancellationToken);
            outcome = charge.Approved ? PaymentOutcome.Approved : PaymentOutcome.Declined;
        }

        var paid = outcome != PaymentOutcome.Declined;
        var next = order with
        {
            Status = paid ? CheckoutStatus.Paid : CheckoutStatus.PaymentFailed,
            Payment = outcome,
            PaymentRef = paymentRef,
            PaidAt = paid ? now : null,
        };
        var stored = await orders.MoveOrReloadAsync(order, next, cancellationToken);
        if (stored.Status == CheckoutStatus.Paid)
        {
            return await FinishPaidAsync(stored, cancellationToken);
        }

        if (stored.NeedsReversal)
        {
            return await ReverseDeclinedAsync(stored, cancellationToken);
        }

        return new CheckoutStep(stored, stored.Status == CheckoutStatus.PaymentFailed ? CheckoutNotice.PaymentDeclined : CheckoutNotice.None);
    }

    /// <summary>
    /// RRR's side of a paid order: the points hold (token pack) or the bought points (top-up) are committed once,
    /// and RRR's id is stored on the order. An outage leaves the order for the next pass (commit pending); a hold
    /// that is gone (expired, or reversed elsewhere) cannot pay, so neither may the money: it is refunded.
    /// </summary>
    private async Task<(CheckoutOrder Order, CheckoutStep? Stop)> CommitOnRrrAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        var (step, commit) = order switch
        {
            { Kind: CheckoutKind.TokenPack, QuoteId: { } quote, RedemptionId: null } =>
                ("commit", (Func<Task<CheckoutOrder>>?)(() => CommitRedemptionAsync(order, quote, cancellationToken))),
            { Kind: CheckoutKind.Topup, QuoteId: { } quote, TopupId: null } =>
                ("top-up commit", () => CommitTopupAsync(order, quote, cancellationToken)),
            _ => ("", null),
        };
        if (commit is null)
        {
            return (order, null);
        }

        try
        {
            return (await orders.MoveOrReloadAsync(order, await commit(), cancellationToken), null);
        }
        catch (RrrUnavailableException ex)
        {
            CheckoutService.LogUnavailable(logger, order.OrderNumber, step, ex.Reason);
            return (order, new CheckoutStep(order, CheckoutNotice.CommitPending));
        }
        catch (RrrProblemException ex) when (ex.Is(RrrErrorCodes.QuoteExpired) || ex.Is(RrrErrorCodes.InvalidState))
        {
            CheckoutService.LogRefused(logger, order.OrderNumber, step, ex.Code);
            return (order, await RefundAsync(order, cancellationToken));
        }
    }

    private async Task<CheckoutOrder> CommitRedemptionAsync(CheckoutOrder order, string quoteId, CancellationToken cancellationToken)
    {
        var commit = await redemptions.CommitAsync(
            quoteId, new CommitRedemptionRequest(order.PaymentRef), IdempotencyKeys.RedeemCommit(quoteId), cancellationToken);
        return order with { RedemptionId = commit.RedemptionId };
    }

    private async Task<CheckoutOrder> CommitTopupAsync(CheckoutOrder order, string quoteId, CancellationToken cancellationToken)
    {
        var commit = await topups.CommitAsync(
            quoteId, new CommitTopupRequest(order.PaymentRef ?? CheckoutReferences.PaymentRefFor(order.OrderNumber, order.AmountDue)),
            IdempotencyKeys.TopupCommit(quoteId), cancellationToken);
        return order with { TopupId = commit.TopupId };
    }

    private async Task<CheckoutStep> FinishPaidAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        var (current, stop) = await CommitOnRrrAsync(order, cancellationToken);
        if (stop is not null)
        {
            return stop;
        }

        if (current.Status != CheckoutStatus.Paid)
        {
            return new CheckoutStep(current);
        }

        // The cash part earns like any XCN token order; top-ups (points bought with money) earn nothing.
        var earnReported = current.EarnReported;
        if (!earnReported && current.Kind == CheckoutKind.TokenPack && current.AmountDue.Amount > 0m)
        {
            var result = await earn.AcceptAsync(
                new EarnOrder(current.OrderNumber, OrderEventKind.Paid, current.XcnUserId, EarnProduct.Tokens, current.AmountDue,
                    current.PaidAt ?? current.UpdatedAt, time.GetUtcNow()),
                cancellationToken);
            if (result.Outcome == AcceptOutcome.Conflict)
            {
                LogEarnNotAccepted(logger, current.OrderNumber, result.Outcome.ToString());
            }
        }

        earnReported = true;
        var completed = await orders.MoveOrReloadAsync(current, current with { Status = CheckoutStatus.Completed, EarnReported = earnReported }, cancellationToken);
        return new CheckoutStep(completed);
    }

    private async Task<CheckoutStep> RefundAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        if (order.PaymentRef is { } paymentRef)
        {
            await payments.RefundAsync(paymentRef, cancellationToken);
        }

        var refunded = await orders.MoveOrReloadAsync(order, order with { Status = CheckoutStatus.Refunded }, cancellationToken);
        return new CheckoutStep(refunded, CheckoutNotice.PaymentRefunded);
    }

    private async Task<CheckoutStep> ReverseDeclinedAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        var (reversed, notice) = await holds.GiveBackHoldAsync(order, CheckoutStatus.Reversed, "payment_declined", cancellationToken);
        return new CheckoutStep(reversed, notice == CheckoutNotice.RrrUnavailable ? notice : CheckoutNotice.PaymentDeclined);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout order {OrderNumber}: ORDER_PAID not accepted by the earn outbox ({Outcome})")]
    private static partial void LogEarnNotAccepted(ILogger logger, string orderNumber, string outcome);
}
