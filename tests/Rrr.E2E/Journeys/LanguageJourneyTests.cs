using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// A Spanish browser gets the points panel, the app bar and the menu in Spanish with Spanish numbers; the member
/// switches to English and back, and the choice outlives a reload. Every other page in both languages: EveryPageJourneyTests.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class LanguageJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    [Fact]
    public async Task ASpanishBrowser_SeesTheSpanishPanel_SwitchesToEnglishAndBack()
    {
        await using var context = await Fixture.Browser.NewContextAsync(Fixture.BaseUrl, locale: "es-ES");
        var mia = await context.NewPageAsync();
        mia.SetDefaultTimeout(60_000);
        await SandboxSignIn.SignInThroughPortalAsync(mia, "Mia Member", "/member");
        await BrowserFixture.WaitForInteractiveAsync(mia);

        var available = mia.GetByTestId("points-available");
        await Expect(mia.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await Expect(available).ToContainTextAsync("Puntos disponibles");
        var points = long.Parse(await available.GetAttributeAsync("data-value") ?? "0", CultureInfo.InvariantCulture);
        await Expect(available).ToContainTextAsync(points.ToString("N0", CultureInfo.GetCultureInfo("es-ES")));
        await Expect(mia.GetByTestId("points-pending")).ToContainTextAsync("Pendientes");
        await Expect(mia.GetByRole(AriaRole.Link, new() { Name = "Mis puntos" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(mia, "the Spanish points panel");
        await BrowserFixture.SaveScreenshotAsync(mia, "member-es-desktop");
        await BrowserFixture.ResizeToPhoneAsync(mia);
        await PhoneLayout.AssertNoHorizontalOverflowAsync(mia);
        var bar = await mia.Locator("header.mud-appbar").BoundingBoxAsync();
        Assert.True(bar is { Height: <= 64 }, $"the app bar is {bar?.Height} px high at 375 px");

        // Everything in the bar is on the screen, sign-out included (the bar clips what does not fit, so overflow checks miss it).
        var signOut = await mia.GetByRole(AriaRole.Button, new() { Name = "Cerrar sesión" }).BoundingBoxAsync();
        Assert.True(signOut is { } box && box.X >= 0 && box.X + box.Width <= BrowserFixture.PhoneWidth, $"sign-out is at {signOut?.X}+{signOut?.Width} on a 375 px screen");
        await BrowserFixture.SaveScreenshotAsync(mia, "member-es-375px");
        await mia.SetViewportSizeAsync(1366, 900);

        await mia.GetByTestId("language-menu").ClickAsync();
        await mia.GetByTestId("language-en").ClickAsync();
        await Expect(mia.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await BrowserFixture.WaitForInteractiveAsync(mia);
        await Expect(mia.GetByTestId("points-available")).ToContainTextAsync(points.ToString("N0", CultureInfo.GetCultureInfo("en-GB")));
        await Expect(mia.GetByTestId("points-available")).ToContainTextAsync(new Regex("Available"));
        await BrowserFixture.SaveScreenshotAsync(mia, "member-en-desktop");

        await mia.GetByTestId("language-menu").ClickAsync();
        await mia.GetByTestId("language-es").ClickAsync();
        await Expect(mia.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await mia.ReloadAsync();
        await Expect(mia.GetByTestId("points-available")).ToContainTextAsync("Puntos disponibles");
    }

    [Fact]
    public async Task ABrowserInMadrid_SeesMadridTime_WhereAUtcBrowserSeesUtc()
    {
        await using var context = await Fixture.Browser.NewContextAsync(Fixture.BaseUrl, locale: "es-ES", timezoneId: "Europe/Madrid");
        var mia = await context.NewPageAsync();
        mia.SetDefaultTimeout(60_000);
        await SandboxSignIn.SignInThroughPortalAsync(mia, "Mia Member", "/member");
        await BrowserFixture.WaitForInteractiveAsync(mia);

        // The panel's "as of" is the moment RRR answered: now, on Madrid's clock (the minute may turn meanwhile).
        var madrid = TimeZoneInfo.FindSystemTimeZoneById("Europe/Madrid");
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, madrid);
        var clocks = new[] { now.AddMinutes(-1), now, now.AddMinutes(1) }
            .Select(t => Regex.Escape(t.ToString("H:mm", CultureInfo.GetCultureInfo("es-ES"))));
        await Expect(mia.GetByTestId("as-of")).ToContainTextAsync(new Regex("Actualizado a las (" + string.Join("|", clocks) + ") \\("));
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
