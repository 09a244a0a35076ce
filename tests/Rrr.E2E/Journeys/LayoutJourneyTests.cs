using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// The shell as a phone user meets it after the window narrows: the navigation drawer that a desktop-width
/// page opens must give its space back below the breakpoint, not squeeze the page beside it.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class LayoutJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    private const string MainContentLeft = "() => document.querySelector('.mud-main-content').getBoundingClientRect().left";

    protected override float? PageTimeoutMs => 60_000;

    [Fact]
    public async Task ADesktopPage_ResizedTo375px_ClosesTheDrawer_AndTheContentTakesTheFullWidth()
    {
        await Page.SetViewportSizeAsync(1280, 800);
        await SandboxSignIn.SignInThroughPortalAsync(Page, "Mia Member", "/member");
        await WaitForInteractiveAsync();
        var drawer = Page.Locator(".mud-drawer");
        await Assertions.Expect(drawer).ToHaveClassAsync(new Regex(@"\bmud-drawer--open\b"));
        Assert.True(await Page.EvaluateAsync<double>(MainContentLeft) > 100, "at 1280 px the drawer sits beside the content");
        await SaveScreenshotAsync("layout-member-1280px");

        // Waits for the circuit to hear the resize and the content to slide back (fails naming the layout if not).
        await BrowserFixture.ResizeToPhoneAsync(Page);

        Assert.True(await Page.EvaluateAsync<double>(MainContentLeft) < 1, "at 375 px the content starts at the left edge");
        await Assertions.Expect(drawer).ToHaveClassAsync(new Regex(@"\bmud-drawer--closed\b"));
        Assert.True(
            await Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
            "the page scrolls sideways at 375 px");
        await SaveScreenshotAsync("layout-member-resized-375px");

        // The menu button still brings the drawer back, over the content.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        await Assertions.Expect(drawer).ToHaveClassAsync(new Regex(@"\bmud-drawer--open\b"));
        await Page.WaitForFunctionAsync("() => document.querySelector('.mud-drawer').getBoundingClientRect().left > -1");
        Assert.True(await Page.EvaluateAsync<double>(MainContentLeft) < 1, "the reopened drawer overlays the content instead of pushing it");
        await SaveScreenshotAsync("layout-member-375px-drawer-open");
    }
}
