namespace Rrr.Portal.Features.Checkout;

/// <summary>How checkout writes money, points, countdowns, statuses and notices, in one place.</summary>
public static class CheckoutText
{
    public const string Path = "/member/checkout";

    public static string OrderPath(string orderNumber) => Path + "/" + orderNumber;

    /// <summary>Money with its currency's symbol where one is unambiguous, else the ISO code: "$1.49", "1.49 CHF".</summary>
    public static string Money(Money money)
    {
        ArgumentNullException.ThrowIfNull(money);
        var amount = money.Amount.ToString("#,##0.00", CultureInfo.InvariantCulture);
        return money.Currency switch
        {
            "USD" => "$" + amount,
            "EUR" => "€" + amount,
            "GBP" => "£" + amount,
            _ => amount + " " + money.Currency,
        };
    }

    public static string Points(long points) =>
        points.ToString("N0", CultureInfo.InvariantCulture) + (points == 1 ? " point" : " points");

    /// <summary>"mm:ss" left until <paramref name="until"/>; "00:00" once past.</summary>
    public static string Countdown(DateTimeOffset until, DateTimeOffset now)
    {
        var left = until - now;
        if (left < TimeSpan.Zero)
        {
            left = TimeSpan.Zero;
        }

        var seconds = (long)Math.Ceiling(left.TotalSeconds);
        return (seconds / 60).ToString("00", CultureInfo.InvariantCulture) + ":" + (seconds % 60).ToString("00", CultureInfo.InvariantCulture);
    }

    public static string Status(CheckoutStatus status) => status switch
    {
        CheckoutStatus.Open => "Open",
        CheckoutStatus.PointsHeld => "Points held",
        CheckoutStatus.Paid => "Paid, confirming",
        CheckoutStatus.Completed => "Completed",
        CheckoutStatus.PaymentFailed => "Payment declined",
        CheckoutStatus.Reversed => "Declined, points returned",
        CheckoutStatus.Refunded => "Refunded",
        CheckoutStatus.Cancelled => "Cancelled",
        _ => status.ToString(),
    };

    /// <summary>The sentence shown for a notice, or null for none.</summary>
    public static string? Notice(CheckoutNotice notice) => notice switch
    {
        CheckoutNotice.HoldExpired => "The hold expired, nothing was taken. You can hold points again.",
        CheckoutNotice.InsufficientPoints => "You do not have enough points for that any more. Choose fewer points or buy points.",
        CheckoutNotice.RrrUnavailable => "RedRoomRewards is temporarily unavailable, nothing was charged. Your order is kept as it is; please try again shortly.",
        CheckoutNotice.PaymentDeclined => "The payment was declined, nothing was charged.",
        CheckoutNotice.CommitPending => "Your payment went through. RedRoomRewards is temporarily unavailable, so your points are confirmed as soon as it answers (open this order again).",
        CheckoutNotice.PaymentRefunded => "The hold expired before RedRoomRewards could confirm it, so your payment was refunded and no points were taken.",
        CheckoutNotice.NotLinked => "Link your RedRoomRewards account to use or buy points.",
        CheckoutNotice.Refused => "RedRoomRewards could not do that right now, nothing was charged. Please try again.",
        _ => null,
    };

    public static bool IsProblem(CheckoutNotice notice) =>
        notice is CheckoutNotice.RrrUnavailable or CheckoutNotice.InsufficientPoints or CheckoutNotice.PaymentDeclined or CheckoutNotice.Refused;
}
