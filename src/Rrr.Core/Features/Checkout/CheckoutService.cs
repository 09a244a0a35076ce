using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rrr.Core.Features.Earn;
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
/// second instance never holds, charges or commits twice.
/// </summary>
public sealed partial class CheckoutService(
    IMemberIdentity identity,
    CurrentMemberService members,
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
    public IReadOnlyList<TopupBundleOffer> TopupBundles =>
        [.. Settings.TopupBundles.Order().Select(b => new TopupBundleOffer(b, new Money(b * Settings.TopupPricePerPoint, Settings.Currency)))];

    /// <summary>Starts (or resumes the member's untouched) order for a pack. Points are added later with <see cref="HoldPointsAsync"/>.</summary>
    public async Task<CheckoutOrder> StartAsync(string packId, CancellationToken cancellationToken)
    {
        var pack = Settings.Find(packId) ?? throw new ArgumentException("Unknown token pack.", nameof(packId));
        var xcnUserId = await RequireUserAsync(cancellationToken);
        using var _ = await locks.AcquireAsync("start:" + xcnUserId, cancellationToken);
        var now = time.GetUtcNow();
        var recent = await store.ListCheckoutOrdersAsync(xcnUserId, RecentOrders, cancellationToken);
        if (recent.FirstOrDefault(o => o.Kind == CheckoutKind.TokenPack && o.PackId == pack.Id && o.Status == CheckoutStatus.Open
                && o.Version == 1 && now - o.CreatedAt < ResumeWindow) is { } untouched)
        {
            return untouched;
        }

        var order = NewOrder(xcnUserId, CheckoutKind.TokenPack, now) with
        {
            PackId = pack.Id,
            Tokens = pack.Tokens,
            Price = new Money(pack.Price, Settings.Currency),
        };
        await CreateAsync(order, cancellationToken);
        LogStarted(logger, order.OrderNumber, xcnUserId, order.Kind);
        return order;
    }

    /// <summary>
    /// Quotes a top-up with RRR and opens an order for it (price = RRR's quote). Needs a linked member.
    /// <paramref name="forOrder"/> is the token-pack order to return to; ignored unless it is the member's.
    /// </summary>
    public async Task<CheckoutStart> StartTopupAsync(int bundle, string? forOrder, CancellationToken cancellationToken)
    {
        if (!Settings.TopupBundles.Contains(bundle))
        {
            throw new ArgumentOutOfRangeException(nameof(bundle), "Not a configured top-up bundle.");
        }

        var member = await members.GetAsync(refreshLink: false, cancellationToken);
        if (member.RrrMemberId is not { } rrrMemberId)
        {
            return new CheckoutStart(null, member.Link.IsStale || member.Link.Status is null ? CheckoutNotice.RrrUnavailable : CheckoutNotice.NotLinked);
        }

        using var _ = await locks.AcquireAsync("start:" + member.XcnUserId, cancellationToken);
        var now = time.GetUtcNow();
        var recent = await store.ListCheckoutOrdersAsync(member.XcnUserId, RecentOrders, cancellationToken);
        var returnTo = forOrder is not null && recent.Any(o => o.OrderNumber == forOrder && o.Kind == CheckoutKind.TokenPack) ? forOrder : null;
        if (recent.FirstOrDefault(o => o.Kind == CheckoutKind.Topup && o.TopupBundle == bundle && o.ForOrder == returnTo
                && o.Status == CheckoutStatus.Open && o.QuoteExpiresAt > now + Settings.HoldSafetyMargin) is { } open)
        {
            return new CheckoutStart(open);
        }

        var order = NewOrder(member.XcnUserId, CheckoutKind.Topup, now) with
        {
            TopupBundle = bundle,
            Tokens = 0,
            RrrMemberId = rrrMemberId,
            ForOrder = returnTo,
        };
        var (quoted, notice) = await QuoteTopupAsync(order, cancellationToken);
        if (quoted is null)
        {
            return new CheckoutStart(null, notice);
        }

        await CreateAsync(quoted, cancellationToken);
        LogStarted(logger, quoted.OrderNumber, member.XcnUserId, quoted.Kind);
        return new CheckoutStart(quoted);
    }

    /// <summary>The member's own order, or null (also for anyone else's order or a malformed number).</summary>
    public async Task<CheckoutOrder?> FindAsync(string? orderNumber, CancellationToken cancellationToken)
    {
        if (!IsOrderNumber(orderNumber))
        {
            return null;
        }

        var xcnUserId = await RequireUserAsync(cancellationToken);
        var order = await store.GetCheckoutOrderAsync(orderNumber!, cancellationToken);
        return order is not null && string.Equals(order.XcnUserId, xcnUserId, StringComparison.Ordinal) ? order : null;
    }

    /// <summary>The member's recent orders, newest first.</summary>
    public async Task<IReadOnlyList<CheckoutOrder>> ListAsync(CancellationToken cancellationToken) =>
        await store.ListCheckoutOrdersAsync(await RequireUserAsync(cancellationToken), RecentOrders, cancellationToken);

    /// <summary>
    /// RRR's redemption steps for this order (capped by its price) and, when the member is short of the next
    /// step, a top-up offer. Not linked → <see cref="RedeemChoices.NotLinked"/>; RRR down → <see cref="RedeemChoices.Unavailable"/>.
    /// </summary>
    public async Task<RedeemChoices> GetRedeemChoicesAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var member = await members.GetAsync(refreshLink: false, cancellationToken);
        if (member.RrrMemberId is not { } rrrMemberId)
        {
            return member.Link.IsStale || member.Link.Status is null ? RedeemChoices.Unavailable : RedeemChoices.NotLinked;
        }

        if (!string.Equals(member.XcnUserId, order.XcnUserId, StringComparison.Ordinal))
        {
            throw new CheckoutOrderNotFoundException();
        }

        RedemptionOptions answer;
        try
        {
            answer = await redemptions.GetOptionsAsync(rrrMemberId, order.Price.Amount, order.Price.Currency, cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            LogUnavailable(logger, order.OrderNumber, "options", ex.Reason);
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
        var bundles = TopupBundles;

        // Bundles that close the gap first: the smallest sufficient one is the natural pick.
        return new TopupOffer(nextStep, shortBy, [.. bundles.Where(b => b.Points >= shortBy), .. bundles.Where(b => b.Points < shortBy)]);
    }

    private CheckoutOrder NewOrder(string xcnUserId, CheckoutKind kind, DateTimeOffset now) =>
        new(
            OrderNumber: "xcn_co_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            XcnUserId: xcnUserId,
            Kind: kind,
            Status: CheckoutStatus.Open,
            Version: 1,
            PackId: null,
            Tokens: 0,
            Price: new Money(0m, Settings.Currency),
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

    private async Task CreateAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        if (!await store.TryCreateCheckoutOrderAsync(order, cancellationToken))
        {
            // 64 random bits: a collision means something is badly wrong, not bad luck worth retrying.
            throw new InvalidOperationException("Checkout order number collision.");
        }
    }

    private async Task<string> RequireUserAsync(CancellationToken cancellationToken) =>
        await identity.GetXcnUserIdAsync(cancellationToken) ?? throw new MemberIdentityMissingException();

    private static string Attempt(string orderNumber, int attempt) =>
        orderNumber + "_" + attempt.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^xcn_co_[0-9a-f]{16}\z")]
    private static partial Regex OrderNumberPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkout order {OrderNumber} started for {XcnUserId} ({Kind})")]
    private static partial void LogStarted(ILogger logger, string orderNumber, string xcnUserId, CheckoutKind kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "RRR unavailable ({Reason}) during {Step} of checkout order {OrderNumber}")]
    private static partial void LogUnavailable(ILogger logger, string orderNumber, string step, RrrUnavailableReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RRR refused {Step} of checkout order {OrderNumber}: {Code}")]
    private static partial void LogRefused(ILogger logger, string orderNumber, string step, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkout order {OrderNumber} moved {From} -> {To}")]
    private static partial void LogMoved(ILogger logger, string orderNumber, CheckoutStatus from, CheckoutStatus to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout order {OrderNumber}: ORDER_PAID not accepted by the earn outbox ({Outcome})")]
    private static partial void LogEarnNotAccepted(ILogger logger, string orderNumber, string outcome);
}
