using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Components;

/// <summary>
/// How member and model pages write times: in the reader's time zone (from the browser, through the
/// <see cref="CookieName"/> cookie that <c>js/timezone.js</c> writes) and culture. Until the browser has told us
/// its zone the times are UTC and say so. Admin pages use <see cref="TimeText"/>'s UTC forms instead: admins
/// compare times across members and with RRR's records.
/// One per circuit (scoped): <see cref="Routes"/> sets the zone from the request that opened the page.
/// </summary>
public sealed class ReaderTime
{
    public const string CookieName = "rrr.tz";

    // IANA ids are short ("America/Argentina/ComodRivadavia" is the longest); anything longer is not one.
    private const int MaxZoneIdLength = 64;

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>Whether the zone came from the browser; if not, times say "UTC".</summary>
    public bool ZoneKnown { get; private set; }

    /// <summary>Uses the browser's zone when it names one this machine knows; otherwise stays on (stated) UTC.</summary>
    public void UseZone(string? ianaId)
    {
        if (!string.IsNullOrWhiteSpace(ianaId) && ianaId.Length <= MaxZoneIdLength
            && TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out var zone))
        {
            Zone = zone;
            ZoneKnown = true;
        }
    }

    /// <summary>"21 Dec 2026", "21 dic 2026": the day in the reader's zone and culture.</summary>
    /// CLDR's Spanish month abbreviations end with a dot ("dic."); the portal writes them without, as in "21 dic 2026".
    public string Date(DateTimeOffset value) =>
        Local(value).ToString("d MMM yyyy", CultureInfo.CurrentCulture).Replace(".", "", StringComparison.Ordinal);

    /// <summary>"2:05 PM" (en), "14:05" (es), with " UTC" while the zone is unknown.</summary>
    public string Clock(DateTimeOffset value) =>
        Local(value).ToString("t", CultureInfo.CurrentCulture) + (ZoneKnown ? "" : " UTC");

    /// <summary><see cref="Date"/>, then <see cref="Clock"/>.</summary>
    public string DateTime(DateTimeOffset value) => Date(value) + ", " + Clock(value);

    /// <summary>"in 5 days", "hace 3 min": <see cref="TimeText.Relative(DateTimeOffset, DateTimeOffset, IStringLocalizer{TimeWords})"/>.</summary>
    public static string Relative(DateTimeOffset when, DateTimeOffset now, IStringLocalizer<TimeWords> words) =>
        TimeText.Relative(when, now, words);

    private System.DateTime Local(DateTimeOffset value) => TimeZoneInfo.ConvertTime(value, Zone).DateTime;
}
