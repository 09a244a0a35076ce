namespace Rrr.Core.Features.Checkout;

/// <summary>
/// What the checkout offers before anything is held: RRR's redemption steps for an order, the top-up offer when
/// the member is just short, and the top-up order itself (quoted by RRR). RRR's refusals and outages become
/// "unavailable" or a notice here, never an exception at the page.
/// </summary>
internal sealed partial class CheckoutOffers(
    IMemberIdentity identity,
    LinkStatusService links,
    CheckoutService orders,
    CheckoutHolds holds,
    IRrrRedemptionsApi redemptions,
    CheckoutLocks locks,
    IOptions<CheckoutOptions> options,
    TimeProvider time,
    ILogger logger)
{
    // An untouched order for the same pack is resumed instead of starting another (double click on "Buy").
    private static readonly TimeSpan ResumeWindow = TimeSpan.FromHours(1);

    private CheckoutOptions Settings => options.Value;

    /// <summary>Starts (or resumes the member's untouched) order for a pack.</summary>
    public async Task<CheckoutOrder> StartAsync(string packId, CancellationToken cancellationToken)
    {
        var pack = Settings.Find(packId) ?? throw new ArgumentException("Unknown token pack.", nameof(packId));
        var xcnUserId = await identity.GetXcnUserIdAsync(cancellationToken) ?? throw new MemberIdentityMissingException();
        using var _ = await locks.AcquireAsync("start:" + xcnUserId, cancellationToken);
        var now = time.GetUtcNow();
        var recent = await orders.RecentAsync(xcnUserId, cancellationToken);
        if (recent.FirstOrDefault(o => o.Kind == CheckoutKind.TokenPack && o.PackId == pack.Id && o.Status == CheckoutStatus.Open
                && o.Version == 1 && now - o.CreatedAt < ResumeWindow) is { } untouched)
        {
            return untouched;
        }

        var order = CheckoutOrder.New(xcnUserId, CheckoutKind.TokenPack, Settings.Currency, now) with
        {
            PackId = pack.Id,
            Tokens = pack.Tokens,
            Price = new Money(pack.Price, Settings.Currency),
        };
        await orders.CreateAsync(order, cancellationToken);
        LogStarted(logger, order.OrderNumber, xcnUserId, order.Kind);
        return order;
    }

    public async Task<CheckoutStart> StartTopupAsync(int bundle, string? forOrder, CancellationToken cancellationToken)
    {
        if (!Settings.TopupBundles.Contains(bundle))
        {
            throw new ArgumentOutOfRangeException(nameof(bundle), "Not a configured top-up bundle.");
        }

        LinkView link;
        try
        {
            link = await links.GetAsync(refresh: false, cancellationToken);
        }
        catch (Exception ex) when (RrrResult.IsResult(ex))
        {
            // RRR refused the link read, or nobody is signed in: no top-up can start.
            LogNoTopup(logger, ex.GetType().Name);
            return new CheckoutStart(null, CheckoutNotice.Refused);
        }

        if (!link.IsLinked)
        {
            return new CheckoutStart(null, link.IsStale || link.Status is null ? CheckoutNotice.RrrUnavailable : CheckoutNotice.NotLinked);
        }

        using var _ = await locks.AcquireAsync("start:" + link.XcnUserId, cancellationToken);
        var now = time.GetUtcNow();
        var recent = await orders.RecentAsync(link.XcnUserId, cancellationToken);
        var returnTo = forOrder is not null && recent.Any(o => o.OrderNumber == forOrder && o.Kind == CheckoutKind.TokenPack) ? forOrder : null;
        if (recent.FirstOrDefault(o => o.Kind == CheckoutKind.Topup && o.TopupBundle == bundle && o.ForOrder == returnTo
                && o.Status == CheckoutStatus.Open && o.QuoteExpiresAt > now + Settings.HoldSafetyMargin) is { } open)
        {
            return new CheckoutStart(open);
        }

        var order = CheckoutOrder.New(link.XcnUserId, CheckoutKind.Topup, Settings.Currency, now) with
        {
            TopupBundle = bundle,
            Tokens = 0,
            RrrMemberId = link.RrrMemberId,
            ForOrder = returnTo,
        };
        var (quoted, notice) = await holds.QuoteTopupAsync(order, cancellationToken);
        if (quoted is null)
        {
            return new CheckoutStart(null, notice);
        }

        await orders.CreateAsync(quoted, cancellationToken);
        LogStarted(logger, quoted.OrderNumber, link.XcnUserId, quoted.Kind);
        return new CheckoutStart(quoted);
    }

    public async Task<RedeemChoices> GetRedeemChoicesAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var xcnUserId = await identity.GetXcnUserIdAsync(cancellationToken) ?? throw new MemberIdentityMissingException();
        RedemptionOptions answer;
        try
        {
            var link = await links.GetForAsync(xcnUserId, refresh: false, cancellationToken);
            if (!link.IsLinked)
            {
                return link.IsStale || link.Status is null ? RedeemChoices.Unavailable : RedeemChoices.NotLinked;
            }

            if (!string.Equals(xcnUserId, order.XcnUserId, StringComparison.Ordinal))
            {
                throw new CheckoutOrderNotFoundException();
            }

            answer = await redemptions.GetOptionsAsync(link.RrrMemberId!, order.Price.Amount, order.Price.Currency, cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            CheckoutService.LogUnavailable(logger, order.OrderNumber, "options", ex.Reason);
            return RedeemChoices.Unavailable;
        }
        catch (RrrProblemException ex)
        {
            // Nothing the member can act on: shown like an outage, with "try again".
            CheckoutService.LogRefused(logger, order.OrderNumber, "options", ex.Code);
            return RedeemChoices.Unavailable;
        }

        return new RedeemChoices(true, false, answer.AvailablePoints, answer.PointValue, answer.Options, TopupOfferFor(order, answer));
    }

    private TopupOffer? TopupOfferFor(CheckoutOrder order, RedemptionOptions answer)
    {
        var step = Settings.RedemptionStep;
        if (answer.PointValue.Amount <= 0)
        {
            return null;
        }

        // The most this order could take in points, in whole steps; the member is short when the next step fits the cart but not the balance.
        var cartPoints = (long)decimal.Floor(order.Price.Amount / answer.PointValue.Amount) / step * step;
        var nextStep = (answer.MaxPoints / step + 1) * step;
        if (nextStep > cartPoints || answer.AvailablePoints >= nextStep)
        {
            return null;
        }

        var shortBy = nextStep - answer.AvailablePoints;
        var bundles = Settings.BundleOffers();

        // Bundles that close the gap first: the smallest sufficient one is the natural pick.
        return new TopupOffer(nextStep, shortBy, [.. bundles.Where(b => b.Points >= shortBy), .. bundles.Where(b => b.Points < shortBy)]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkout order {OrderNumber} started for {XcnUserId} ({Kind})")]
    private static partial void LogStarted(ILogger logger, string orderNumber, string xcnUserId, CheckoutKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No top-up started: the member could not be read ({ErrorClass})")]
    private static partial void LogNoTopup(ILogger logger, string errorClass);
}
