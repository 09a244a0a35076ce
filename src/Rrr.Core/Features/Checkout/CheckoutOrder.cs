namespace Rrr.Core.Features.Checkout;

public enum CheckoutKind
{
    /// <summary>A token pack, optionally paid partly with points (two-phase redeem).</summary>
    TokenPack,

    /// <summary>Points bought with money (RRR top-up).</summary>
    Topup,
}

/// <summary>Where an order stands. Allowed moves: <see cref="CheckoutStateMachine"/>.</summary>
public enum CheckoutStatus
{
    /// <summary>Nothing held, nothing charged.</summary>
    Open,

    /// <summary>RRR holds <see cref="CheckoutOrder.PointsApplied"/> in escrow under the quote until it expires.</summary>
    PointsHeld,

    /// <summary>The money was taken; the points (redeem or top-up) are still to be committed with RRR.</summary>
    Paid,

    /// <summary>Paid and, where points were involved, committed with RRR.</summary>
    Completed,

    /// <summary>The payment was declined; a hold, if any, is still to be reversed.</summary>
    PaymentFailed,

    /// <summary>The payment was declined and the hold was given back (or expired by itself): nothing was taken.</summary>
    Reversed,

    /// <summary>RRR would not commit after the money was taken (the hold expired meanwhile): the payment was refunded.</summary>
    Refunded,

    /// <summary>The member cancelled; a hold, if any, was given back.</summary>
    Cancelled,
}

public enum PaymentOutcome
{
    Approved,
    Declined,

    /// <summary>Points covered the whole price: there was nothing to charge.</summary>
    NotRequired,
}

/// <summary>
/// One purchase, durable, so a refresh or a second portal instance resumes it and RRR keys derive from its
/// facts. Ids only (the XCN user id is opaque); money is decimal with its currency, points are long.
/// <see cref="Version"/> rises with every stored change and guards each transition (compare-and-set).
/// </summary>
/// <param name="HoldAttempts">Quotes taken so far; part of the quote key so a new hold after an expiry or release is a new RRR request.</param>
/// <param name="ForOrder">For a top-up bought from a token-pack checkout: the order to return to.</param>
public sealed record CheckoutOrder(
    string OrderNumber,
    string XcnUserId,
    CheckoutKind Kind,
    CheckoutStatus Status,
    long Version,
    string? PackId,
    long Tokens,
    Money Price,
    int? TopupBundle,
    string? RrrMemberId,
    long PointsApplied,
    Money? PointsValue,
    string? QuoteId,
    DateTimeOffset? QuoteExpiresAt,
    int HoldAttempts,
    string? PaymentRef,
    PaymentOutcome? Payment,
    DateTimeOffset? PaidAt,
    string? RedemptionId,
    string? TopupId,
    bool EarnReported,
    string? ForOrder,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>What the member pays in money: the price less the value of the points applied.</summary>
    public Money AmountDue => new(Math.Max(0m, Price.Amount - (PointsValue?.Amount ?? 0m)), Price.Currency);

    /// <summary>Nothing more will happen to this order (a declined payment is final once no hold is left to give back).</summary>
    public bool IsFinal => CheckoutStateMachine.IsFinal(Status) || (Status == CheckoutStatus.PaymentFailed && !NeedsReversal);

    /// <summary>The payment was declined while a quote held points: the hold must be reversed.</summary>
    public bool NeedsReversal => Status == CheckoutStatus.PaymentFailed && Kind == CheckoutKind.TokenPack && QuoteId is not null;

    /// <summary>True when a redemption quote holds points for this order right now (as far as we know).</summary>
    public bool HoldsPoints => Kind == CheckoutKind.TokenPack && Status == CheckoutStatus.PointsHeld && QuoteId is not null;

    /// <summary>A new open order of <paramref name="kind"/> for the member, with a fresh random order number and nothing held or charged.</summary>
    internal static CheckoutOrder New(string xcnUserId, CheckoutKind kind, string currency, DateTimeOffset now) =>
        new(
            OrderNumber: "xcn_co_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            XcnUserId: xcnUserId,
            Kind: kind,
            Status: CheckoutStatus.Open,
            Version: 1,
            PackId: null,
            Tokens: 0,
            Price: new Money(0m, currency),
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
}

/// <summary>The only moves an order may make; the store refuses any write whose status or version moved meanwhile.</summary>
public static class CheckoutStateMachine
{
    private static readonly Dictionary<CheckoutStatus, CheckoutStatus[]> Moves = new()
    {
        [CheckoutStatus.Open] = [CheckoutStatus.Open, CheckoutStatus.PointsHeld, CheckoutStatus.Paid, CheckoutStatus.PaymentFailed, CheckoutStatus.Cancelled],
        [CheckoutStatus.PointsHeld] = [CheckoutStatus.Open, CheckoutStatus.Paid, CheckoutStatus.PaymentFailed, CheckoutStatus.Cancelled],
        [CheckoutStatus.Paid] = [CheckoutStatus.Paid, CheckoutStatus.Completed, CheckoutStatus.Refunded],
        [CheckoutStatus.PaymentFailed] = [CheckoutStatus.Reversed],
        [CheckoutStatus.Completed] = [CheckoutStatus.Completed],
        [CheckoutStatus.Reversed] = [],
        [CheckoutStatus.Refunded] = [],
        [CheckoutStatus.Cancelled] = [],
    };

    /// <summary>Open → Open is a re-quote (top-up) or a released/expired hold; Paid → Paid and Completed → Completed record follow-up facts.</summary>
    public static bool CanMove(CheckoutStatus from, CheckoutStatus to) => Moves[from].Contains(to);

    public static bool IsFinal(CheckoutStatus status) =>
        status is CheckoutStatus.Completed or CheckoutStatus.Reversed or CheckoutStatus.Refunded or CheckoutStatus.Cancelled;
}

/// <summary>Durable checkout orders. Writes are compare-and-set on (status, version): a lost race writes nothing.</summary>
public interface ICheckoutOrderStore
{
    /// <summary>False when the order number exists already (nothing written).</summary>
    Task<bool> TryCreateCheckoutOrderAsync(CheckoutOrder order, CancellationToken cancellationToken);

    Task<CheckoutOrder?> GetCheckoutOrderAsync(string orderNumber, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="updated"/> with version <c>expected.Version + 1</c> only if the stored order still has
    /// <paramref name="expected"/>'s status and version; true when written.
    /// </summary>
    Task<bool> TryUpdateCheckoutOrderAsync(CheckoutOrder expected, CheckoutOrder updated, CancellationToken cancellationToken);

    /// <summary>The owner's orders, newest first.</summary>
    Task<IReadOnlyList<CheckoutOrder>> ListCheckoutOrdersAsync(string xcnUserId, int take, CancellationToken cancellationToken);
}
