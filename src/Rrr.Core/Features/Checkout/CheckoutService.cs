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

    private CheckoutOptions Settings => options.Value;

    public IReadOnlyList<TokenPack> Packs => Settings.Packs;

    public string Currency => Settings.Currency;

    /// <summary>Indicative top-up prices (configuration); what is charged is RRR's quote.</summary>
    public IReadOnlyList<TopupBundleOffer> TopupBundles => Settings.BundleOffers();

    /// <summary>Starts (or resumes the member's untouched) order for a pack. Points are added later with <see cref="HoldPointsAsync"/>.</summary>
    public Task<CheckoutOrder> StartAsync(string packId, CancellationToken cancellationToken) => Offers.StartAsync(packId, cancellationToken);

    /// <summary>The member's own order, or null (also for anyone else's order, a malformed number, or nobody signed in).</summary>
    public async Task<CheckoutOrder?> FindAsync(string? orderNumber, CancellationToken cancellationToken)
    {
        if (!CheckoutReferences.IsOrderNumber(orderNumber) || await identity.GetXcnUserIdAsync(cancellationToken) is not { } xcnUserId)
        {
            return null;
        }

        return await FindOwnedAsync(orderNumber!, xcnUserId, cancellationToken);
    }

    /// <summary>The member's recent orders, newest first.</summary>
    public async Task<IReadOnlyList<CheckoutOrder>> ListAsync(CancellationToken cancellationToken) =>
        await store.ListCheckoutOrdersAsync(await RequireUserAsync(cancellationToken), RecentOrders, cancellationToken);

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
                IdempotencyKeys.RedeemQuote(CheckoutHolds.Attempt(order.OrderNumber, attempt) + "_" + points.ToString(CultureInfo.InvariantCulture)),
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
        var current = await LoadOwnedAsync(order.OrderNumber, order.XcnUserId, cancellationToken);
        if (current.QuoteId != quote.QuoteId)
        {
            await TryReverseAsync(current, quote.QuoteId, "superseded", cancellationToken);
        }

        return new CheckoutStep(current);
    }

    /// <summary>"Don't use points": gives the hold back to the member; the order stays open.</summary>
    public Task<CheckoutStep> ReleasePointsAsync(string orderNumber, CancellationToken cancellationToken) =>
        StepAsync(orderNumber, "release", order => Holds.ReleaseAsync(order, cancellationToken), cancellationToken);

    /// <summary>Cancels an order that has not been paid; a hold is given back first.</summary>
    public Task<CheckoutStep> CancelAsync(string orderNumber, CancellationToken cancellationToken) =>
        StepAsync(orderNumber, "cancel", order => Holds.CancelAsync(order, cancellationToken), cancellationToken);

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
        var order = await LoadOwnedAsync(orderNumber, xcnUserId, cancellationToken);
        try
        {
            return await run(order);
        }
        catch (RrrException ex)
        {
            LogStepFailed(logger, orderNumber, step, ex.Operation);
            return new CheckoutStep(await LoadOwnedAsync(orderNumber, xcnUserId, cancellationToken), CheckoutNotice.RrrUnavailable);
        }
    }

    // Stateless helpers over this service's orders and the same clients; each owns one part of the checkout.
    private CheckoutHolds Holds => new(this, topups, options, logger);

    private CheckoutPayment Payment => new(this, Holds, redemptions, topups, payments, earn, circuit, options, time, logger);

    private CheckoutOffers Offers => new(identity, links, this, Holds, redemptions, locks, options, time, logger);

    /// <summary>The order if it is <paramref name="xcnUserId"/>'s, else null (anyone else's order is "not found" too).</summary>
    internal async Task<CheckoutOrder?> FindOwnedAsync(string orderNumber, string xcnUserId, CancellationToken cancellationToken)
    {
        var order = await store.GetCheckoutOrderAsync(orderNumber, cancellationToken);
        return order is not null && string.Equals(order.XcnUserId, xcnUserId, StringComparison.Ordinal) ? order : null;
    }

    internal async Task<CheckoutOrder> LoadOwnedAsync(string orderNumber, string xcnUserId, CancellationToken cancellationToken) =>
        await FindOwnedAsync(orderNumber, xcnUserId, cancellationToken) ?? throw new CheckoutOrderNotFoundException();

    internal Task<IReadOnlyList<CheckoutOrder>> RecentAsync(string xcnUserId, CancellationToken cancellationToken) =>
        store.ListCheckoutOrdersAsync(xcnUserId, RecentOrders, cancellationToken);

    internal async Task CreateAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        if (!await store.TryCreateCheckoutOrderAsync(order, cancellationToken))
        {
            // 64 random bits: a collision means something is badly wrong, not bad luck worth retrying.
            throw new InvalidOperationException("Checkout order number collision.");
        }
    }

    /// <summary>Compare-and-set to <paramref name="next"/> along <see cref="CheckoutStateMachine"/>; null when the stored order moved meanwhile.</summary>
    internal async Task<CheckoutOrder?> MoveAsync(CheckoutOrder current, CheckoutOrder next, CancellationToken cancellationToken)
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
    internal async Task<CheckoutOrder> MoveOrReloadAsync(CheckoutOrder current, CheckoutOrder next, CancellationToken cancellationToken) =>
        await MoveAsync(current, next, cancellationToken) ?? await LoadOwnedAsync(current.OrderNumber, current.XcnUserId, cancellationToken);

    /// <summary>Gives a quote's points back at RRR; an expired or already reversed hold is no failure (nothing is held either way).</summary>
    internal async Task<ReverseOutcome> TryReverseAsync(CheckoutOrder order, string quoteId, string reason, CancellationToken cancellationToken)
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

    private async Task<string> RequireUserAsync(CancellationToken cancellationToken) =>
        await identity.GetXcnUserIdAsync(cancellationToken) ?? throw new MemberIdentityMissingException();

    [LoggerMessage(Level = LogLevel.Information, Message = "RRR unavailable ({Reason}) during {Step} of checkout order {OrderNumber}")]
    internal static partial void LogUnavailable(ILogger logger, string orderNumber, string step, RrrUnavailableReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RRR refused {Step} of checkout order {OrderNumber}: {Code}")]
    internal static partial void LogRefused(ILogger logger, string orderNumber, string step, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkout order {OrderNumber} moved {From} -> {To}")]
    private static partial void LogMoved(ILogger logger, string orderNumber, CheckoutStatus from, CheckoutStatus to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout step {Step} of {OrderNumber} failed: {Operation}")]
    private static partial void LogStepFailed(ILogger logger, string orderNumber, string step, string operation);
}
