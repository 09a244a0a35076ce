using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Components;

/// <summary>
/// How the portal writes times: absolute in UTC (the circuit does not know the browser's zone) next to a
/// relative phrase ("in 5 days", "2 min ago"), so both skimmers and careful readers are served.
/// </summary>
public static class TimeText
{
    public static string Date(DateTimeOffset value) =>
        value.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string Clock(DateTimeOffset value) =>
        value.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static string DateTime(DateTimeOffset value) => Date(value) + ", " + Clock(value);

    /// <summary>"just now", "3 min ago", "2 hours ago", "in 5 days", ... relative to <paramref name="now"/>.</summary>
    public static string Relative(DateTimeOffset when, DateTimeOffset now)
    {
        var delta = when - now;
        var future = delta > TimeSpan.Zero;
        var size = delta.Duration();
        if (size < TimeSpan.FromMinutes(1))
        {
            return future ? "in under a minute" : "just now";
        }

        var span = size < TimeSpan.FromHours(1) ? Count((long)size.TotalMinutes, "min", "min")
            : size < TimeSpan.FromDays(1) ? Count((long)size.TotalHours, "hour", "hours")
            : Count((long)size.TotalDays, "day", "days");
        return future ? "in " + span : span + " ago";
    }

    /// <summary>The date in the current culture ("6 Mar 2026", "6 mar 2026"): for pages that speak the member's language.</summary>
    /// CLDR's Spanish abbreviations end with a dot ("dic."); the portal writes them without, as in "21 dic 2026".
    public static string LocalDate(DateTimeOffset value) =>
        value.UtcDateTime.ToString("d MMM yyyy", CultureInfo.CurrentCulture).Replace(".", "", StringComparison.Ordinal);

    /// <summary><see cref="LocalDate"/> and the UTC clock.</summary>
    public static string LocalDateTime(DateTimeOffset value) => LocalDate(value) + ", " + Clock(value);

    /// <summary><see cref="Relative(DateTimeOffset, DateTimeOffset)"/> in the current UI culture's words, numbers in its format.</summary>
    public static string Relative(DateTimeOffset when, DateTimeOffset now, IStringLocalizer<TimeWords> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var delta = when - now;
        var future = delta > TimeSpan.Zero;
        var size = delta.Duration();
        if (size < TimeSpan.FromMinutes(1))
        {
            return future ? words["InUnderAMinute"] : words["JustNow"];
        }

        var span = size < TimeSpan.FromHours(1) ? Count(words, (long)size.TotalMinutes, "Minute")
            : size < TimeSpan.FromDays(1) ? Count(words, (long)size.TotalHours, "Hour")
            : Count(words, (long)size.TotalDays, "Day");
        return words[future ? "In" : "Ago", span];
    }

    private static string Count(IStringLocalizer<TimeWords> words, long n, string unit) =>
        words[unit + (n == 1 ? "One" : "Many"), n.ToString("N0", CultureInfo.CurrentCulture)];

    private static string Count(long n, string one, string many) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many);
}
