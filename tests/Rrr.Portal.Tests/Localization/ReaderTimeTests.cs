using System.Globalization;
using Rrr.Portal.Components;

namespace Rrr.Portal.Tests.Localization;

/// <summary>Member pages write times in the browser's zone and the reader's culture, and say UTC until the zone is known.</summary>
public sealed class ReaderTimeTests
{
    // 13:05 UTC on 21 Dec 2026 is 14:05 in Madrid (CET, +01:00) and 08:05 in New York (EST, -05:00).
    private static readonly DateTimeOffset At = new(2026, 12, 21, 13, 5, 0, TimeSpan.Zero);

    [Fact]
    public void WithoutTheBrowsersZone_TimesAreUtc_AndSaySo()
    {
        using var _ = Culture("en");
        var time = new ReaderTime();

        Assert.False(time.ZoneKnown);
        Assert.Equal("21 Dec 2026, 1:05 PM UTC", Spaced(time.DateTime(At)));
    }

    [Fact]
    public void InMadrid_InSpanish_TheDayAndClockAreLocal()
    {
        using var _ = Culture("es");
        var time = new ReaderTime();
        time.UseZone("Europe/Madrid");

        Assert.True(time.ZoneKnown);
        Assert.Equal("21 dic 2026", time.Date(At));
        Assert.Equal("14:05", time.Clock(At));
    }

    [Fact]
    public void LateEveningInNewYork_IsStillTheDayBefore_ForUtcMidnight()
    {
        using var _ = Culture("en");
        var time = new ReaderTime();
        time.UseZone("America/New_York");

        Assert.Equal("20 Dec 2026, 7:30 PM", Spaced(time.DateTime(new DateTimeOffset(2026, 12, 21, 0, 30, 0, TimeSpan.Zero))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("../../etc/passwd")]
    public void AZoneThisMachineDoesNotKnow_LeavesStatedUtc(string? zone)
    {
        using var _ = Culture("en");
        var time = new ReaderTime();
        time.UseZone(zone);

        Assert.False(time.ZoneKnown);
        Assert.EndsWith(" UTC", time.Clock(At), StringComparison.Ordinal);
    }

    private static CultureScope Culture(string name) => new(name);

    // ICU 72+ puts a narrow no-break space before "PM"; older ICU a plain one. Either reads the same.
    private static string Spaced(string text) => text.Replace('\u202F', ' ');

    private sealed class CultureScope : IDisposable
    {
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo _ui = CultureInfo.CurrentUICulture;

        public CultureScope(string name)
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
        }

        public void Dispose()
        {
            CultureInfo.CurrentCulture = _culture;
            CultureInfo.CurrentUICulture = _ui;
        }
    }
}
