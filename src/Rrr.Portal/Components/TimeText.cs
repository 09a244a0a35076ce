using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Components;

/// <summary>
/// How admin pages write times: absolute in UTC, stated (admins compare times across members and with RRR's
/// records), next to a relative phrase ("in 5 days", "2 min ago"). Member and model pages use <see cref="ReaderTime"/>.
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
