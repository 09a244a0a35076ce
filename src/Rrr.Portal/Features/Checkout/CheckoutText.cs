using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Checkout;

/// <summary>
/// How checkout writes money, points, countdowns, statuses and notices, in one place. Also the name of checkout's
/// texts (CheckoutText.resx, CheckoutText.es.resx) for <c>IStringLocalizer&lt;CheckoutText&gt;</c>; sealed, not
/// static, because a static class cannot name a localizer.
/// </summary>
public sealed class CheckoutText
{
    public const string Path = "/member/checkout";

    private CheckoutText()
    {
    }

    public static string OrderPath(string orderNumber) => Path + "/" + orderNumber;

    /// <summary>Money in the reader's culture (<see cref="MoneyText"/>): "$1.49", "1.49 CHF" in English, "1,49 US$" in Spanish.</summary>
    public static string Money(Money money) => MoneyText.Format(money, CultureInfo.CurrentCulture);

    /// <summary>"1,250 points" / "1.250 puntos".</summary>
    public static string Points(IStringLocalizer<CheckoutText> text, long points)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text[points == 1 ? "PointsOne" : "PointsMany", Number(points)];
    }

    /// <summary>"1,000" / "1.000": counts (tokens) in the reader's culture.</summary>
    public static string Number(long n) => n.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>"mm:ss" left until <paramref name="until"/>; "00:00" once past. The same in every language.</summary>
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

    public static string Status(IStringLocalizer<CheckoutText> text, CheckoutStatus status)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Enum.IsDefined(status) ? text["Status" + status] : status.ToString();
    }

    /// <summary>The sentence shown for a notice, or null for none.</summary>
    public static string? Notice(IStringLocalizer<CheckoutText> text, CheckoutNotice notice)
    {
        ArgumentNullException.ThrowIfNull(text);
        return notice is CheckoutNotice.HoldExpired or CheckoutNotice.InsufficientPoints or CheckoutNotice.RrrUnavailable
            or CheckoutNotice.PaymentDeclined or CheckoutNotice.CommitPending or CheckoutNotice.PaymentRefunded
            or CheckoutNotice.NotLinked or CheckoutNotice.Refused
            ? text["Notice" + notice].Value
            : null;
    }

    public static bool IsProblem(CheckoutNotice notice) =>
        notice is CheckoutNotice.RrrUnavailable or CheckoutNotice.InsufficientPoints or CheckoutNotice.PaymentDeclined or CheckoutNotice.Refused;
}
