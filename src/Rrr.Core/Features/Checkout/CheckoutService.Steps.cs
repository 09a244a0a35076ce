using Rrr.Core.Features.Earn;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Earn;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Redemptions;
using Rrr.Core.Rrr.Topups;

namespace Rrr.Core.Features.Checkout;

public sealed partial class CheckoutService
{
    /// <summary>
    /// "Use points": asks RRR to hold <paramref name="points"/> in escrow for this order. A repeat (double
    /// click) finds the hold the first call made; anything but an open order is returned as it is.
    /// </summary>
    public async Task<CheckoutStep> HoldPointsAsync(string orderNumber, long points, CancellationToken cancellationToken)
    {
        if (points <= 0 || points % Settings.RedemptionStep != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(points), "Points must be a whole number of redemption steps.");
        }

        using var _ = await locks.AcquireAsync(orderNumber, cancellationToken);
        var order = await LoadOwnedAsync(orderNumber, cancellationToken);
        if (order.Kind != CheckoutKind.TokenPack || order.Status != CheckoutStatus.Open)
        {
            return new CheckoutStep(order);
        }

        var member = await members.GetAsync(refreshLink: false, cancellationToken);
        if (member.RrrMemberId is not { } rrrMemberId)
        {
            return new CheckoutStep(order, member.Link.IsStale || member.Link.Status is null ? CheckoutNotice.RrrUnavailable : CheckoutNotice.NotLinked);
        }

        // The key names the attempt and the points: a double click replays one hold; a new choice after a refusal is a new request.
        var attempt = order.HoldAttempts + 1;
        RedemptionQuote quote;
        try
        {
            quote = await redemptions.CreateQuoteAsync(
                new CreateRedemptionQuoteRequest(rrrMemberId, points, order.OrderNumber),
                IdempotencyKeys.RedeemQuote(Attempt(order.OrderNumber, attempt) + "_" + points.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            LogUnavailable(logger, order.OrderNumber, "hold", ex.Reason);
            return new CheckoutStep(order, CheckoutNotice.RrrUnavailable);
        }
        catch (RrrProblemException ex)
        {
            LogRefused(logger, order.OrderNumber, "hold", ex.Code);

            // RRR stores refusals under their key too: count the attempt so the next try (after a top-up) is asked afresh.
            var counted = await MoveAsync(order, order with { HoldAttempts = attempt }, cancellationToken) ?? order;
            return new CheckoutStep(counted, ex.Is(RrrErrorCodes.InsufficientPoints) ? CheckoutNotice.InsufficientPoints : CheckoutNotice.Refused);
        }

        var held = order with
        {
            Status = CheckoutStatus.PointsHeld,
            RrrMemberId = rrrMemberId,
            PointsApplied = quote.Points,
            PointsValue = quote.Value,
            QuoteId = quote.QuoteId,
            QuoteExpiresAt = quote.ExpiresAt,
            HoldAttempts = attempt,
        };
        if (await MoveAsync(order, held, cancellationToken) is { } stored)
        {
            return new CheckoutStep(stored);
        }

        // Another instance moved the order meanwhile. Its hold wins; a different quote of ours must not linger in escrow.
        var current = await LoadOwnedAsync(orderNumber, cancellationToken);
        if (current.QuoteId != quote.QuoteId)
        {
            await TryReverseAsync(current, quote.QuoteId, "superseded", cancellationToken);
        }

        return new CheckoutStep(current);
    }

    /// <summary>"Don't use points": gives the hold back to the member; the order stays open.</summary>
    public async Task<CheckoutStep> ReleasePointsAsync(string orderNumber, CancellationToken cancellationToken)
    {
        using var _ = await locks.AcquireAsync(orderNumber, cancellationToken);
        var order = await LoadOwnedAsync(orderNumber, cancellationToken);
        if (!order.HoldsPoints)
        {
            return new CheckoutStep(order);
        }

        var (released, notice) = await GiveBackHoldAsync(order, CheckoutStatus.Open, "member_released", cancellationToken);
        return new CheckoutStep(released, notice);
    }

    /// <summary>Cancels an order that has not been paid; a hold is given back first.</summary>
    public async Task<CheckoutStep> CancelAsync(string orderNumber, CancellationToken cancellationToken)
    {
        using var _ = await locks.AcquireAsync(orderNumber, cancellationToken);
        var order = await LoadOwnedAsync(orderNumber, cancellationToken);
        if (order.Status is not (CheckoutStatus.Open or CheckoutStatus.PointsHeld))
        {
            return new CheckoutStep(order);
        }

        if (order.HoldsPoints)
        {
            var (released, notice) = await GiveBackHoldAsync(order, CheckoutStatus.Cancelled, "member_cancelled", cancellationToken);
            return new CheckoutStep(released, notice == CheckoutNotice.HoldExpired ? CheckoutNotice.None : notice);
        }

        return new CheckoutStep(await MoveOrReloadAsync(order, order with { Status = CheckoutStatus.Cancelled }, cancellationToken));
    }

    /// <summary>
    /// Finishes whatever an earlier visit left half done (a commit after payment, a reversal after a decline)
    /// and notices an expired hold. Called when the order page opens, so a refresh resumes the same order.
    /// </summary>
    public async Task<CheckoutStep> ResumeAsync(string orderNumber, CancellationToken cancellationToken)
    {
        using var _ = await locks.AcquireAsync(orderNumber, cancellationToken);
        var order = await LoadOwnedAsync(orderNumber, cancellationToken);
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
            var (open, notice) = await GiveBackHoldAsync(order, CheckoutStatus.Open, "expired", cancellationToken);
            return new CheckoutStep(open, notice == CheckoutNotice.RrrUnavailable ? notice : CheckoutNotice.HoldExpired);
        }

        return new CheckoutStep(order);
    }

    /// <summary>
    /// Pays with the sandbox card. The hold (if any) is committed only after the money was taken, reversed when
    /// the card is declined; a hold about to expire is given back first and nothing is charged. A repeat
    /// (double click, refresh) charges nothing more and finishes what is left.
    /// </summary>
    public async Task<CheckoutStep> PayAsync(string orderNumber, SandboxCard card, CancellationToken cancellationToken)
    {
        using var _ = await locks.AcquireAsync(orderNumber, cancellationToken);
        var order = await LoadOwnedAsync(orderNumber, cancellationToken);
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
        var quoteDying = order.QuoteExpiresAt is { } expires && now + Settings.HoldSafetyMargin >= expires;
        if (order.HoldsPoints && quoteDying)
        {
            var (open, notice) = await GiveBackHoldAsync(order, CheckoutStatus.Open, "expired", cancellationToken);
            return new CheckoutStep(open, notice == CheckoutNotice.RrrUnavailable ? notice : CheckoutNotice.HoldExpired);
        }

        if (order.Kind == CheckoutKind.Topup && (quoteDying || order.QuoteId is null))
        {
            // A top-up quote holds nothing: quote again, show the (possibly new) price, and let the member pay that.
            var (requoted, notice) = await QuoteTopupAsync(order, cancellationToken);
            return requoted is null
                ? new CheckoutStep(order, notice)
                : new CheckoutStep(await MoveOrReloadAsync(order, requoted, cancellationToken), CheckoutNotice.HoldExpired);
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
            paymentRef = PaymentRefFor(order.OrderNumber, due);
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
        var stored = await MoveOrReloadAsync(order, next, cancellationToken);
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
            return (await MoveOrReloadAsync(order, await commit(), cancellationToken), null);
        }
        catch (RrrUnavailableException ex)
        {
            LogUnavailable(logger, order.OrderNumber, step, ex.Reason);
            return (order, new CheckoutStep(order, CheckoutNotice.CommitPending));
        }
        catch (RrrProblemException ex) when (ex.Is(RrrErrorCodes.QuoteExpired) || ex.Is(RrrErrorCodes.InvalidState))
        {
            LogRefused(logger, order.OrderNumber, step, ex.Code);
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
            quoteId, new CommitTopupRequest(order.PaymentRef ?? PaymentRefFor(order.OrderNumber, order.AmountDue)),
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
        var completed = await MoveOrReloadAsync(current, current with { Status = CheckoutStatus.Completed, EarnReported = earnReported }, cancellationToken);
        return new CheckoutStep(completed);
    }

    private async Task<CheckoutStep> RefundAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        if (order.PaymentRef is { } paymentRef)
        {
            await payments.RefundAsync(paymentRef, cancellationToken);
        }

        var refunded = await MoveOrReloadAsync(order, order with { Status = CheckoutStatus.Refunded }, cancellationToken);
        return new CheckoutStep(refunded, CheckoutNotice.PaymentRefunded);
    }

    private async Task<CheckoutStep> ReverseDeclinedAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        var (reversed, notice) = await GiveBackHoldAsync(order, CheckoutStatus.Reversed, "payment_declined", cancellationToken);
        return new CheckoutStep(reversed, notice == CheckoutNotice.RrrUnavailable ? notice : CheckoutNotice.PaymentDeclined);
    }

    /// <summary>
    /// Reverses the order's hold and moves it to <paramref name="to"/>. An already expired or reversed hold
    /// counts as given back (RRR released it); an outage leaves the order as it was.
    /// </summary>
    private async Task<(CheckoutOrder Order, CheckoutNotice Notice)> GiveBackHoldAsync(
        CheckoutOrder order, CheckoutStatus to, string reason, CancellationToken cancellationToken)
    {
        var notice = CheckoutNotice.None;
        if (order.QuoteId is { } quoteId)
        {
            var outcome = await TryReverseAsync(order, quoteId, reason, cancellationToken);
            if (outcome == ReverseOutcome.Unavailable)
            {
                return (order, CheckoutNotice.RrrUnavailable);
            }

            notice = outcome == ReverseOutcome.Expired ? CheckoutNotice.HoldExpired : CheckoutNotice.None;
        }

        var next = to == CheckoutStatus.Reversed
            ? order with { Status = to }
            : order with { Status = to, PointsApplied = 0, PointsValue = null, QuoteId = null, QuoteExpiresAt = null };
        return (await MoveOrReloadAsync(order, next, cancellationToken), notice);
    }

    private enum ReverseOutcome
    {
        Reversed,
        Expired,
        Unavailable,
    }

    private async Task<ReverseOutcome> TryReverseAsync(CheckoutOrder order, string quoteId, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await redemptions.ReverseAsync(quoteId, new ReverseRedemptionRequest(reason), IdempotencyKeys.RedeemReverse(quoteId), cancellationToken);
            return ReverseOutcome.Reversed;
        }
        catch (RrrUnavailableException ex)
        {
            LogUnavailable(logger, order.OrderNumber, "reverse", ex.Reason);
            return ReverseOutcome.Unavailable;
        }
        catch (RrrProblemException ex) when (ex.Is(RrrErrorCodes.QuoteExpired))
        {
            return ReverseOutcome.Expired;
        }
        catch (RrrProblemException ex) when (ex.Is(RrrErrorCodes.InvalidState) || ex.Is(RrrErrorCodes.NotFound))
        {
            // Already reversed (a replay elsewhere): nothing is held any more either way.
            LogRefused(logger, order.OrderNumber, "reverse", ex.Code);
            return ReverseOutcome.Reversed;
        }
    }

    private async Task<(CheckoutOrder? Order, CheckoutNotice Notice)> QuoteTopupAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        var attempt = order.HoldAttempts + 1;
        var bundle = order.TopupBundle ?? throw new InvalidOperationException("A top-up order without a bundle.");
        TopupQuote quote;
        try
        {
            quote = await topups.CreateQuoteAsync(
                new CreateTopupQuoteRequest(order.RrrMemberId!, bundle), IdempotencyKeys.TopupQuote(Attempt(order.OrderNumber, attempt), bundle),
                cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            LogUnavailable(logger, order.OrderNumber, "top-up quote", ex.Reason);
            return (null, CheckoutNotice.RrrUnavailable);
        }
        catch (RrrProblemException ex)
        {
            LogRefused(logger, order.OrderNumber, "top-up quote", ex.Code);
            return (null, CheckoutNotice.Refused);
        }

        if (!string.Equals(quote.Price.Currency, Settings.Currency, StringComparison.Ordinal))
        {
            // XCN charges in its own currency only; a quote in another one cannot be paid honestly.
            LogRefused(logger, order.OrderNumber, "top-up quote", "currency_mismatch");
            return (null, CheckoutNotice.Refused);
        }

        return (order with
        {
            Price = quote.Price,
            QuoteId = quote.QuoteId,
            QuoteExpiresAt = quote.ExpiresAt,
            HoldAttempts = attempt,
        }, CheckoutNotice.None);
    }

    private async Task<CheckoutOrder> LoadOwnedAsync(string orderNumber, CancellationToken cancellationToken) =>
        await FindAsync(orderNumber, cancellationToken) ?? throw new CheckoutOrderNotFoundException();

    /// <summary>Compare-and-set to <paramref name="next"/>; null when the stored order moved meanwhile.</summary>
    private async Task<CheckoutOrder?> MoveAsync(CheckoutOrder current, CheckoutOrder next, CancellationToken cancellationToken)
    {
        if (!CheckoutStateMachine.CanMove(current.Status, next.Status))
        {
            throw new InvalidOperationException($"Checkout order may not move {current.Status} -> {next.Status}.");
        }

        var stored = next with { Version = current.Version + 1, UpdatedAt = time.GetUtcNow() };
        if (!await store.TryUpdateCheckoutOrderAsync(current, stored, cancellationToken))
        {
            return null;
        }

        if (current.Status != stored.Status)
        {
            LogMoved(logger, stored.OrderNumber, current.Status, stored.Status);
        }

        return stored;
    }

    /// <summary><see cref="MoveAsync"/>, or the order as another writer left it.</summary>
    private async Task<CheckoutOrder> MoveOrReloadAsync(CheckoutOrder current, CheckoutOrder next, CancellationToken cancellationToken) =>
        await MoveAsync(current, next, cancellationToken) ?? await LoadOwnedAsync(current.OrderNumber, cancellationToken);
}
