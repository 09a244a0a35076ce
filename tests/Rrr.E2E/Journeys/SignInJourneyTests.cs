using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>Real browser, real OIDC redirects (portal → sandbox identity provider → portal), real app.</summary>
[Collection(PortalCollection.Name)]
public sealed partial class SignInJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    public static TheoryData<string, string, string, string> PortalAccounts => new()
    {
        { "mia", "Mia Member", "/member", "My RedRoomRewards" },
        { "noah", "Noah Newcomer", "/member", "My RedRoomRewards" },
        { "luna", "Luna Model", "/model", "Model studio" },
        { "ada", "Ada Admin", "/admin", "Administration" },
        { "grace", "Grace Admin", "/admin", "Administration" },
    };

    [Theory]
    [MemberData(nameof(PortalAccounts))]
    public async Task DemoAccount_SignsIn_AndLandsOnItsRoleHome(string user, string displayName, string home, string heading)
    {
        await SignInAsync(displayName);

        await Expect(Page).ToHaveURLAsync(new Regex(Regex.Escape(home) + "$"));
        await WaitForInteractiveAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
        await Expect(Page.GetByTestId("signed-in-user")).ToContainTextAsync(displayName);
        await SaveScreenshotAsync($"home-{home.TrimStart('/')}-{user}");
    }

    [Fact]
    public async Task RrrAdmin_SignsIntoTheSandboxConsole()
    {
        await Page.GotoAsync(Fixture.SandboxUrl + "/console");
        await SandboxSignIn.ChooseAccountAsync(Page, "Rita RRR-Admin");

        await Expect(Page).ToHaveURLAsync(Fixture.SandboxUrl + "/console");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "RRR-admin console" })).ToBeVisibleAsync();
        await Expect(Page.GetByText("Signed in as Rita RRR-Admin")).ToBeVisibleAsync();
        await SaveScreenshotAsync("home-rrr-console-rita");
    }

    [Fact]
    public async Task RrrAdmin_InThePortal_IsToldThereIsNoPortalRole()
    {
        await SignInAsync("Rita RRR-Admin");

        await Expect(Page).ToHaveURLAsync(new Regex("/no-role$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Your account has no portal role");
    }

    [Fact]
    public async Task Member_OpeningAnAdminPage_Gets403Page()
    {
        await SignInAsync("Mia Member");
        await Expect(Page).ToHaveURLAsync(new Regex("/member$"));

        var response = await Page.GotoAsync("/admin");

        Assert.Equal(403, response!.Status);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("403 · Not for your role");
        await SaveScreenshotAsync("forbidden-member-on-admin");
    }

    [Fact]
    public async Task Anonymous_OpeningAProtectedPage_IsSentToSignIn()
    {
        await Page.GotoAsync("/admin");

        await Expect(Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Fixture.SandboxUrl) + "/account/login"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await SaveScreenshotAsync("sandbox-sign-in");
    }

    [Fact]
    public async Task Anonymous_SeesTheLandingPage_WithSignIn()
    {
        var response = await Page.GotoAsync("/");

        Assert.Equal(200, response!.Status);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("RedRoomRewards on XXXChatNow");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First).ToBeVisibleAsync();
        await SaveScreenshotAsync("landing-anonymous");
    }

    [Fact]
    public async Task PortalLog_AfterSignIns_CarriesNoPersonalNames()
    {
        await SignInAsync("Grace Admin");
        await Expect(Page).ToHaveURLAsync(new Regex("/admin$"));
        await WaitForInteractiveAsync();
        await Page.GotoAsync("/member"); // a refusal is logged too

        // Opaque ids only: display names (and e-mails, which the provider never sends) stay out of logs.
        foreach (var name in PortalAccounts.Select(row => (string)row.Data.Item2).Append("Rita RRR-Admin"))
        {
            Assert.DoesNotContain(name, Portal.Logs, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotMatch(new Regex(@"[\w.+-]+@[\w-]+\.[\w.]+"), Portal.Logs);
    }

    [Fact]
    public async Task SignOut_ReturnsToLanding_AndEndsTheSession()
    {
        await SignInAsync("Luna Model");
        await Expect(Page).ToHaveURLAsync(new Regex("/model$"));
        await WaitForInteractiveAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First).ToBeVisibleAsync();
        // The identity provider session ended too: a protected page asks for an account again.
        await Page.GotoAsync("/model");
        await Expect(Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Fixture.SandboxUrl) + "/account/login"));
    }

    [Fact]
    public async Task UnknownAddress_ShowsFriendly404()
    {
        // Anonymous people are asked to sign in first: unknown addresses reveal nothing to them.
        await SignInAsync("Noah Newcomer");
        await Expect(Page).ToHaveURLAsync(new Regex("/member$"));

        var response = await Page.GotoAsync("/no/such/page");

        Assert.Equal(404, response!.Status);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("404 · Page not found");
    }

    private async Task SignInAsync(string displayName)
    {
        await Page.GotoAsync("/");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/account/login"));
        await SandboxSignIn.ChooseAccountAsync(Page, displayName);
    }

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
