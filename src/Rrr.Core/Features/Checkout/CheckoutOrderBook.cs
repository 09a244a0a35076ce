using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Redemptions;
using Rrr.Core.Rrr.Topups;

namespace Rrr.Core.Features.Checkout;

/// <summary>
/// The checkout's stored orders and the RRR calls every step shares: an order is only ever read for its owner,
/// moved by compare-and-set along <see cref="CheckoutStateMachine"/>, and a points hold is given back (or a top-up
/// quoted) under keys made of the order number, so a replay finds what the first call did.
/// </summary>
internal sealed partial class CheckoutOrderBook(
    ICheckoutOrderStore store,
    IRrrRedemptionsApi redemptions,
    IRrrTopupsApi topups,
    IOptions<CheckoutOptions> options,
    TimeProvider time,
    ILogger logger)
{
    public static string Attempt(string orderNumber, int attempt) =>
        orderNumber + "_" + attempt.ToString(CultureInfo.InvariantCulture);

    public CheckoutOrder NewOrder(string xcnUserId, CheckoutKind kind, DateTimeOffset now) =>
        new(
            OrderNumber: "xcn_co_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            XcnUserId: xcnUserId,
            Kind: kind,
            Status: CheckoutStatus.Open,
            Version: 1,
            PackId: null,
            Tokens: 0,
            Price: new Money(0m, options.Value.Currency),
            TopupBundle: null,
            RrrMemberId: null,
            PointsApplied: 0,
            PointsValue: null,
            QuoteId: null,
            QuoteExpiresAt: null,
            HoldAttempts: 0,
            PaymentRef: null,
            Payment: null,
            PaidAt: null,
            RedemptionId: null,
            TopupId: null,
            EarnReported: false,
            ForOrder: null,
            CreatedAt: now,
            UpdatedAt: now);

    public async Task CreateAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        if (!await store.TryCreateCheckoutOrderAsync(order, cancellationToken))
        {
            // 64 random bits: a collision means something is badly wrong, not bad luck worth retrying.
            throw new InvalidOperationException("Checkout order number collision.");
        }
    }

    /// <summary>The order if it is <paramref name="xcnUserId"/>'s, else null (anyone else's order is "not found" too).</summary>
    public async Task<CheckoutOrder?> FindOwnedAsync(string orderNumber, string xcnUserId, CancellationToken cancellationToken)
    {
        var order = await store.GetCheckoutOrderAsync(orderNumber, cancellationToken);
        return order is not null && string.Equals(order.XcnUserId, xcnUserId, StringComparison.Ordinal) ? order : null;
    }

    public async Task<CheckoutOrder> LoadOwnedAsync(string orderNumber, string xcnUserId, CancellationToken cancellationToken) =>
        await FindOwnedAsync(orderNumber, xcnUserId, cancellationToken) ?? throw new CheckoutOrderNotFoundException();

    public Task<IReadOnlyList<CheckoutOrder>> ListAsync(string xcnUserId, int take, CancellationToken cancellationToken) =>
        store.ListCheckoutOrdersAsync(xcnUserId, take, cancellationToken);

    /// <summary>Compare-and-set to <paramref name="next"/>; null when the stored order moved meanwhile.</summary>
    public async Task<CheckoutOrder?> MoveAsync(CheckoutOrder current, CheckoutOrder next, CancellationToken cancellationToken)
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
    public async Task<CheckoutOrder> MoveOrReloadAsync(CheckoutOrder current, CheckoutOrder next, CancellationToken cancellationToken) =>
        await MoveAsync(current, next, cancellationToken) ?? await LoadOwnedAsync(current.OrderNumber, current.XcnUserId, cancellationToken);

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

    public async Task<ReverseOutcome> TryReverseAsync(CheckoutOrder order, string quoteId, string reason, CancellationToken cancellationToken)
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
            LogUnavailable(logger, order.OrderNumber, "top-up quote", ex.Reason);
            return (null, CheckoutNotice.RrrUnavailable);
        }
        catch (RrrProblemException ex)
        {
            LogRefused(logger, order.OrderNumber, "top-up quote", ex.Code);
            return (null, CheckoutNotice.Refused);
        }

        if (!string.Equals(quote.Price.Currency, options.Value.Currency, StringComparison.Ordinal))
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

    [LoggerMessage(Level = LogLevel.Information, Message = "RRR unavailable ({Reason}) during {Step} of checkout order {OrderNumber}")]
    public static partial void LogUnavailable(ILogger logger, string orderNumber, string step, RrrUnavailableReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RRR refused {Step} of checkout order {OrderNumber}: {Code}")]
    public static partial void LogRefused(ILogger logger, string orderNumber, string step, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkout order {OrderNumber} moved {From} -> {To}")]
    private static partial void LogMoved(ILogger logger, string orderNumber, CheckoutStatus from, CheckoutStatus to);
}

internal enum ReverseOutcome
{
    Reversed,
    Expired,
    Unavailable,
}
