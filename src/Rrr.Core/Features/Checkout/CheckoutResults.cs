namespace Rrr.Core.Features.Checkout;

/// <summary>What the member should be told about the step that just ran, besides the order's new state.</summary>
public enum CheckoutNotice
{
    None,

    /// <summary>The hold (or top-up quote) expired before payment; nothing was taken and a new one can be taken.</summary>
    HoldExpired,

    /// <summary>RRR refused the hold: the member has fewer points than chosen (a top-up is offered).</summary>
    InsufficientPoints,

    /// <summary>RRR could not be reached; nothing was charged and the order kept its state.</summary>
    RrrUnavailable,

    PaymentDeclined,

    /// <summary>Paid, but RRR could not be reached to commit yet; the order finishes when it is opened again.</summary>
    CommitPending,

    /// <summary>RRR would not commit after payment (the hold expired meanwhile): the payment was refunded.</summary>
    PaymentRefunded,

    /// <summary>Points need a linked RRR account.</summary>
    NotLinked,

    /// <summary>RRR refused the request for another reason (e.g. a changed price list); nothing was charged.</summary>
    Refused,
}

public sealed record CheckoutStep(CheckoutOrder Order, CheckoutNotice Notice = CheckoutNotice.None);

/// <summary>A new order, or why none was started.</summary>
public sealed record CheckoutStart(CheckoutOrder? Order, CheckoutNotice Notice = CheckoutNotice.None);

/// <summary>A bundle on the top-up offer, priced indicatively from configuration until RRR quotes it.</summary>
public sealed record TopupBundleOffer(int Points, Money IndicativePrice);

/// <summary>Offered when the member is <see cref="ShortBy"/> points short of redeeming <see cref="NextStep"/> on this order.</summary>
public sealed record TopupOffer(long NextStep, long ShortBy, IReadOnlyList<TopupBundleOffer> Bundles);

/// <summary>What "Use points" can offer on an order: RRR's redemption steps and, when short, a top-up.</summary>
public sealed record RedeemChoices(
    bool Linked,
    bool RrrUnavailable,
    long AvailablePoints,
    Money? PointValue,
    IReadOnlyList<RedemptionOption> Options,
    TopupOffer? Topup)
{
    public static RedeemChoices NotLinked { get; } = new(false, false, 0, null, [], null);

    public static RedeemChoices Unavailable { get; } = new(true, true, 0, null, [], null);
}

/// <summary>The order does not exist or is not the signed-in member's (the two are indistinguishable on purpose).</summary>
public sealed class CheckoutOrderNotFoundException() : Exception("No such checkout order for the signed-in member.");
