using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

[Collection(PortalCollection.Name)]
public sealed class SessionJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    [Fact]
    public async Task PortalRestart_KeepsPeopleSignedIn()
    {
        await Page.GotoAsync("/account/signin");
        await SandboxSignIn.ChooseAccountAsync(Page, "Ada Admin");
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex("/admin$"));

        await Portal.RestartAsync(TestContext.Current.CancellationToken);
        await Page.GotoAsync("/admin");

        // Same cookie, new process: only a persisted key ring can still read it.
        await Assertions.Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/admin");
        await WaitForInteractiveAsync();
        await Assertions.Expect(Page.GetByTestId("signed-in-user")).ToContainTextAsync("Ada Admin");
    }

    [Fact]
    public async Task ThemeToggle_SwitchesToDark_AndIsRemembered()
    {
        await Page.GotoAsync("/account/signin");
        await SandboxSignIn.ChooseAccountAsync(Page, "Mia Member");
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex("/member$"));
        await WaitForInteractiveAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark theme" }).ClickAsync();

        // The choice travels over the circuit to JS; wait for it rather than reading at once.
        await Page.WaitForFunctionAsync("() => localStorage.getItem('rrr.theme') === 'dark'");
        await Page.ReloadAsync();
        await WaitForInteractiveAsync();
        await Page.WaitForFunctionAsync(
            "() => { const m = getComputedStyle(document.body).backgroundColor.match(/\\d+/); return m && Number(m[0]) < 128; }");
        await SaveScreenshotAsync("home-member-mia-dark");
    }
}
