using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rrr.Core.Features.Earn;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Members;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Redemptions;
using Rrr.Core.Rrr.Topups;

namespace Rrr.Core.Features.Checkout;

/// <summary>
/// The signed-in member's token-pack checkout with "Use points" (two-phase redeem) and top-ups. Every method
/// acts for the member the sign-in names; an order number from a URL only selects among that member's own
/// orders (anyone else's is "not found"). Steps are serialised per order, each transition is compare-and-set
/// in the store, and RRR keys derive from the order number or quote id, so a double click, a refresh or a
/// second instance never holds, charges or commits twice. RRR's answers end here as notices: a step never
/// throws an RRR client exception at the page.
/// </summary>
public sealed partial class CheckoutService(
    IMemberIdentity identity,
    LinkStatusService links,
    ICheckoutOrderStore store,
    IRrrRedemptionsApi redemptions,
    IRrrTopupsApi topups,
    IXcnPaymentGateway payments,
    EarnIntake earn,
    CheckoutLocks locks,
    RrrCircuitState circuit,
    IOptions<CheckoutOptions> options,
    TimeProvider time,
    ILogger<CheckoutService> logger)
{
    public const int RecentOrders = 20;

    // An untouched order for the same pack is resumed instead of starting another (double click on "Buy").
    private static readonly TimeSpan ResumeWindow = TimeSpan.FromHours(1);

    private readonly CheckoutOrderBook book = new(store, redemptions, topups, options, time, logger);

    private CheckoutOptions Settings => options.Value;

    public IReadOnlyList<TokenPack> Packs => Settings.Packs;

    public string Currency => Settings.Currency;

    /// <summary>
    /// The gateway's idempotency reference for charging <paramref name="amount"/> on an order. It binds the amount and
    /// currency, not only the order: gateways answer a repeated reference with the first charge, so a per-order reference
    /// would replay an earlier, different amount (a hold changed after a crash between charge and store, or another
    /// instance). The same amount again (a double click, a retry after a lost answer) is the same reference: one charge.
    /// The amount is written without trailing zeros, so 5.90 and 5.9 are one reference.
    /// </summary>
    public static string PaymentRefFor(string orderNumber, Money amount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderNumber);
        ArgumentNullException.ThrowIfNull(amount);
        var normalized = amount.Amount.ToString("0.############################", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"xcn_pay_{orderNumber}_{amount.Currency}_{normalized}");
    }

    public static bool IsOrderNumber(string? value) => value is not null && OrderNumberPattern().IsMatch(value);

    /// <summary>Indicative top-up prices (configuration); what is charged is RRR's quote.</summary>
    public IReadOnlyList<TopupBundleOffer> TopupBundles => BundlesOf(Settings);

    internal static IReadOnlyList<TopupBundleOffer> BundlesOf(CheckoutOptions settings) =>
        [.. settings.TopupBundles.Order().Select(b => new TopupBundleOffer(b, new Money(b * settings.TopupPricePerPoint, settings.Currency)))];

    /// <summary>Starts (or resumes the member's untouched) order for a pack. Points are added later with <see cref="HoldPointsAsync"/>.</summary>
    public async Task<CheckoutOrder> StartAsync(string packId, CancellationToken cancellationToken)
    {
        var pack = Settings.Find(packId) ?? throw new ArgumentException("Unknown token pack.", nameof(packId));
        var xcnUserId = await RequireUserAsync(cancellationToken);
        using var _ = await locks.AcquireAsync("start:" + xcnUserId, cancellationToken);
        var now = time.GetUtcNow();
        var recent = await book.ListAsync(xcnUserId, RecentOrders, cancellationToken);
        if (recent.FirstOrDefault(o => o.Kind == CheckoutKind.TokenPack && o.PackId == pack.Id && o.Status == CheckoutStatus.Open
                && o.Version == 1 && now - o.CreatedAt < ResumeWindow) is { } untouched)
        {
            return untouched;
        }

        var order = book.NewOrder(xcnUserId, CheckoutKind.TokenPack, now) with
        {
            PackId = pack.Id,
            Tokens = pack.Tokens,
            Price = new Money(pack.Price, Settings.Currency),
        };
        await book.CreateAsync(order, cancellationToken);
        LogStarted(logger, order.OrderNumber, xcnUserId, order.Kind);
        return order;
    }

    /// <summary>The member's own order, or null (also for anyone else's order, a malformed number, or nobody signed in).</summary>
    public async Task<CheckoutOrder?> FindAsync(string? orderNumber, CancellationToken cancellationToken)
    {
        if (!IsOrderNumber(orderNumber) || await identity.GetXcnUserIdAsync(cancellationToken) is not { } xcnUserId)
        {
            return null;
        }

        return await book.FindOwnedAsync(orderNumber!, xcnUserId, cancellationToken);
    }

    /// <summary>The member's recent orders, newest first.</summary>
    public async Task<IReadOnlyList<CheckoutOrder>> ListAsync(CancellationToken cancellationToken) =>
        await book.ListAsync(await RequireUserAsync(cancellationToken), RecentOrders, cancellationToken);

    /// <summary>
    /// Quotes a top-up with RRR and opens an order for it (price = RRR's quote). Needs a linked member.
    /// <paramref name="forOrder"/> is the token-pack order to return to; ignored unless it is the member's.
    /// </summary>
    public Task<CheckoutStart> StartTopupAsync(int bundle, string? forOrder, CancellationToken cancellationToken) =>
        Offers.StartTopupAsync(bundle, forOrder, cancellationToken);

    /// <summary>
    /// RRR's redemption steps for this order (capped by its price) and, when the member is short of the next
    /// step, a top-up offer. Not linked → <see cref="RedeemChoices.NotLinked"/>; RRR down or refusing → <see cref="RedeemChoices.Unavailable"/>.
    /// </summary>
    public Task<RedeemChoices> GetRedeemChoicesAsync(CheckoutOrder order, CancellationToken cancellationToken) =>
        Offers.GetRedeemChoicesAsync(order, cancellationToken);

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

        return await StepAsync(orderNumber, "hold", order => HoldAsync(order, points, cancellationToken), cancellationToken);
    }

    private async Task<CheckoutStep> HoldAsync(CheckoutOrder order, long points, CancellationToken cancellationToken)
    {
        if (order.Kind != CheckoutKind.TokenPack || order.Status != CheckoutStatus.Open)
        {
            return new CheckoutStep(order);
        }

        // The member was read from the sign-in once, with the order; the link is looked up for that same member.
        var link = await links.GetForAsync(order.XcnUserId, refresh: false, cancellationToken);
        if (!link.IsLinked)
        {
            return new CheckoutStep(order, link.IsStale || link.Status is null ? CheckoutNotice.RrrUnavailable : CheckoutNotice.NotLinked);
        }

        // The key names the attempt and the points: a double click replays one hold; a new choice after a refusal is a new request.
        var rrrMemberId = link.RrrMemberId!;
        var attempt = order.HoldAttempts + 1;
        RedemptionQuote quote;
        try
        {
            quote = await redemptions.CreateQuoteAsync(
                new CreateRedemptionQuoteRequest(rrrMemberId, points, order.OrderNumber),
                IdempotencyKeys.RedeemQuote(CheckoutOrderBook.Attempt(order.OrderNumber, attempt) + "_" + points.ToString(CultureInfo.InvariantCulture)),
                cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            CheckoutOrderBook.LogUnavailable(logger, order.OrderNumber, "hold", ex.Reason);
            return new CheckoutStep(order, CheckoutNotice.RrrUnavailable);
        }
        catch (RrrProblemException ex)
        {
            CheckoutOrderBook.LogRefused(logger, order.OrderNumber, "hold", ex.Code);

            // RRR stores refusals under their key too: count the attempt so the next try (after a top-up) is asked afresh.
            var counted = await book.MoveAsync(order, order with { HoldAttempts = attempt }, cancellationToken) ?? order;
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
        if (await book.MoveAsync(order, held, cancellationToken) is { } stored)
        {
            return new CheckoutStep(stored);
        }

        // Another instance moved the order meanwhile. Its hold wins; a different quote of ours must not linger in escrow.
        var current = await book.LoadOwnedAsync(order.OrderNumber, order.XcnUserId, cancellationToken);
        if (current.QuoteId != quote.QuoteId)
        {
            await book.TryReverseAsync(current, quote.QuoteId, "superseded", cancellationToken);
        }

        return new CheckoutStep(current);
    }

    /// <summary>"Don't use points": gives the hold back to the member; the order stays open.</summary>
    public Task<CheckoutStep> ReleasePointsAsync(string orderNumber, CancellationToken cancellationToken) =>
        StepAsync(orderNumber, "release", async order =>
        {
            if (!order.HoldsPoints)
            {
                return new CheckoutStep(order);
            }

            var (released, notice) = await book.GiveBackHoldAsync(order, CheckoutStatus.Open, "member_released", cancellationToken);
            return new CheckoutStep(released, notice);
        }, cancellationToken);

    /// <summary>Cancels an order that has not been paid; a hold is given back first.</summary>
    public Task<CheckoutStep> CancelAsync(string orderNumber, CancellationToken cancellationToken) =>
        StepAsync(orderNumber, "cancel", async order =>
        {
            if (order.Status is not (CheckoutStatus.Open or CheckoutStatus.PointsHeld))
            {
                return new CheckoutStep(order);
            }

            if (order.HoldsPoints)
            {
                var (released, notice) = await book.GiveBackHoldAsync(order, CheckoutStatus.Cancelled, "member_cancelled", cancellationToken);
                return new CheckoutStep(released, notice == CheckoutNotice.HoldExpired ? CheckoutNotice.None : notice);
            }

            return new CheckoutStep(await book.MoveOrReloadAsync(order, order with { Status = CheckoutStatus.Cancelled }, cancellationToken));
        }, cancellationToken);

    /// <summary>
    /// Finishes whatever an earlier visit left half done (a commit after payment, a reversal after a decline)
    /// and notices an expired hold. Called when the order page opens, so a refresh resumes the same order.
    /// </summary>
    public Task<CheckoutStep> ResumeAsync(string orderNumber, CancellationToken cancellationToken) =>
        StepAsync(orderNumber, "resume", order => Payment.ResumeAsync(order, cancellationToken), cancellationToken);

    /// <summary>
    /// Pays with the sandbox card. The hold (if any) is committed only after the money was taken, reversed when
    /// the card is declined; a hold about to expire is given back first and nothing is charged. A repeat
    /// (double click, refresh) charges nothing more and finishes what is left.
    /// </summary>
    public Task<CheckoutStep> PayAsync(string orderNumber, SandboxCard card, CancellationToken cancellationToken) =>
        StepAsync(orderNumber, "pay", order => Payment.PayAsync(order, card, cancellationToken), cancellationToken);

    /// <summary>
    /// One step on one of the member's orders: the sign-in is read once, the order is locked and loaded for that member,
    /// and an RRR answer the step does not expect leaves the order as stored with "RRR unavailable" (nothing was charged
    /// that the order does not show). Anyone else's order is <see cref="CheckoutOrderNotFoundException"/>: the page
    /// only asks for orders <see cref="FindAsync"/> found.
    /// </summary>
    private async Task<CheckoutStep> StepAsync(string orderNumber, string step, Func<CheckoutOrder, Task<CheckoutStep>> run, CancellationToken cancellationToken)
    {
        var xcnUserId = await RequireUserAsync(cancellationToken);
        using var _ = await locks.AcquireAsync(orderNumber, cancellationToken);
        var order = await book.LoadOwnedAsync(orderNumber, xcnUserId, cancellationToken);
        try
        {
            return await run(order);
        }
        catch (RrrException ex)
        {
            LogStepFailed(logger, orderNumber, step, ex.Operation);
            return new CheckoutStep(await book.LoadOwnedAsync(orderNumber, xcnUserId, cancellationToken), CheckoutNotice.RrrUnavailable);
        }
    }

    // Stateless helpers over the same store and clients; each owns one part of the checkout.
    private CheckoutPayment Payment => new(book, redemptions, topups, payments, earn, circuit, options, time, logger);

    private CheckoutOffers Offers => new(identity, links, book, redemptions, locks, options, time, logger);

    private async Task<string> RequireUserAsync(CancellationToken cancellationToken) =>
        await identity.GetXcnUserIdAsync(cancellationToken) ?? throw new MemberIdentityMissingException();

    [GeneratedRegex(@"^xcn_co_[0-9a-f]{16}\z")]
    private static partial Regex OrderNumberPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkout order {OrderNumber} started for {XcnUserId} ({Kind})")]
    private static partial void LogStarted(ILogger logger, string orderNumber, string xcnUserId, CheckoutKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout step {Step} of {OrderNumber} failed: {Operation}")]
    private static partial void LogStepFailed(ILogger logger, string orderNumber, string step, string operation);
}
