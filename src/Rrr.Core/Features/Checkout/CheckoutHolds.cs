namespace Rrr.Core.Features.Checkout;

/// <summary>
/// Giving a points hold back (the member releases it, cancels, or RRR let it expire) and quoting a top-up: the RRR
/// calls the steps share, under keys made of the order number, so a replay finds what the first call did. Works on an
/// order its <see cref="CheckoutService"/> loaded for the member under the order's lock.
/// </summary>
internal sealed class CheckoutHolds(CheckoutService orders, IRrrTopupsApi topups, IOptions<CheckoutOptions> options, ILogger logger)
{
    public static string Attempt(string orderNumber, int attempt) =>
        orderNumber + "_" + attempt.ToString(CultureInfo.InvariantCulture);

    /// <summary>"Don't use points": the hold goes back to the member; the order stays open.</summary>
    public async Task<CheckoutStep> ReleaseAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        if (!order.HoldsPoints)
        {
            return new CheckoutStep(order);
        }

        var (released, notice) = await GiveBackHoldAsync(order, CheckoutStatus.Open, "member_released", cancellationToken);
        return new CheckoutStep(released, notice);
    }

    /// <summary>Cancels an order that has not been paid; a hold is given back first.</summary>
    public async Task<CheckoutStep> CancelAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        if (order.Status is not (CheckoutStatus.Open or CheckoutStatus.PointsHeld))
        {
            return new CheckoutStep(order);
        }

        if (order.HoldsPoints)
        {
            var (released, notice) = await GiveBackHoldAsync(order, CheckoutStatus.Cancelled, "member_cancelled", cancellationToken);
            return new CheckoutStep(released, notice == CheckoutNotice.HoldExpired ? CheckoutNotice.None : notice);
        }

        return new CheckoutStep(await orders.MoveOrReloadAsync(order, order with { Status = CheckoutStatus.Cancelled }, cancellationToken));
    }

    /// <summary>
    /// Reverses the order's hold and moves it to <paramref name="to"/>. An already expired or reversed hold
    /// counts as given back (RRR released it); an outage leaves the order as it was.
    /// </summary>
    public async Task<(CheckoutOrder Order, CheckoutNotice Notice)> GiveBackHoldAsync(
        CheckoutOrder order, CheckoutStatus to, string reason, CancellationToken cancellationToken)
    {
        var notice = CheckoutNotice.None;
        if (order.QuoteId is { } quoteId)
        {
            var outcome = await orders.TryReverseAsync(order, quoteId, reason, cancellationToken);
            if (outcome == ReverseOutcome.Unavailable)
            {
                return (order, CheckoutNotice.RrrUnavailable);
            }

            notice = outcome == ReverseOutcome.Expired ? CheckoutNotice.HoldExpired : CheckoutNotice.None;
        }

        var next = to == CheckoutStatus.Reversed
            ? order with { Status = to }
            : order with { Status = to, PointsApplied = 0, PointsValue = null, QuoteId = null, QuoteExpiresAt = null };
        return (await orders.MoveOrReloadAsync(order, next, cancellationToken), notice);
    }

    public async Task<(CheckoutOrder? Order, CheckoutNotice Notice)> QuoteTopupAsync(CheckoutOrder order, CancellationToken cancellationToken)
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
            CheckoutService.LogUnavailable(logger, order.OrderNumber, "top-up quote", ex.Reason);
            return (null, CheckoutNotice.RrrUnavailable);
        }
        catch (RrrProblemException ex)
        {
            CheckoutService.LogRefused(logger, order.OrderNumber, "top-up quote", ex.Code);
            return (null, CheckoutNotice.Refused);
        }

        if (!string.Equals(quote.Price.Currency, options.Value.Currency, StringComparison.Ordinal))
        {
            // XCN charges in its own currency only; a quote in another one cannot be paid honestly.
            CheckoutService.LogRefused(logger, order.OrderNumber, "top-up quote", "currency_mismatch");
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
}

internal enum ReverseOutcome
{
    Reversed,
    Expired,
    Unavailable,
}
