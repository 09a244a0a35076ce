using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// Checkout against the real portal and its in-process sandbox: "Use points" (hold, pay, commit or reverse),
/// a top-up, and a double click on Pay. Balances are read from the sandbox wallet before and after and only
/// compared, never assumed. The Taster pack costs $1.49, so 100 points leave $0.49 in cash, which earns 0 points:
/// the automatic earn of the cash part cannot blur the comparison.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class CheckoutJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    private const string Mia = "rrr_m_1001";
    private const string Oli = "rrr_m_1003";

    protected override float? PageTimeoutMs => 60_000;

    [Fact]
    public async Task Mia_UsesPoints_PaymentApproved_BalanceDropsByExactlyThePoints_AndEscrowIsReleased()
    {
        var before = await Fixture.SandboxWalletAsync(Mia);
        await SignInAsync("Mia Member");

        // From the member home to the pack list.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Open" }).Last.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/member/checkout$"));
        await Expect(Page.GetByTestId("pack-taster")).ToBeVisibleAsync();
        await AssertAccessibleAsync();
        await SaveScreenshotAsync("checkout-packs-desktop");
        await AtPhoneWidthAsync("checkout-packs-375px", Page.GetByTestId("pack-taster"));

        await StartTasterOrderAsync();
        await AssertAccessibleAsync();
        await SaveScreenshotAsync("checkout-order-desktop");

        await HoldAsync();
        var held = await Fixture.SandboxWalletAsync(Mia);
        Assert.Equal(before.Available - 100, held.Available);
        Assert.Equal(before.Escrow + 100, held.Escrow);
        await AssertAccessibleAsync();
        await SaveScreenshotAsync("checkout-hold-desktop");
        await AtPhoneWidthAsync("checkout-hold-375px", Page.GetByTestId("points-held"));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Pay $0.49" }).ClickAsync();
        await Expect(Page.GetByTestId("result-success")).ToContainTextAsync("100 points redeemed");

        var after = await Fixture.SandboxWalletAsync(Mia);
        Assert.Equal(before.Available - 100, after.Available);
        Assert.Equal(before.Escrow, after.Escrow);
        Assert.Equal(0, after.Escrow);
        await Expect(Page.GetByTestId("new-balance")).ToContainTextAsync(Points(after.Available));
        await AssertAccessibleAsync();
        await SaveScreenshotAsync("checkout-approved-desktop");
        await AtPhoneWidthAsync("checkout-approved-375px", Page.GetByTestId("result-success"));
    }

    [Fact]
    public async Task Mia_PaymentDeclined_HoldIsReversed_BalanceAndEscrowUnchanged()
    {
        var before = await Fixture.SandboxWalletAsync(Mia);
        await SignInAsync("Mia Member");
        await Page.GotoAsync("/member/checkout");
        await WaitForInteractiveAsync();
        await StartTasterOrderAsync();
        await HoldAsync();

        await Page.GetByText("Sandbox card declines").ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Pay $0.49" }).ClickAsync();

        await Expect(Page.GetByTestId("result-declined")).ToContainTextAsync("nothing was taken");
        var after = await Fixture.SandboxWalletAsync(Mia);
        Assert.Equal(before.Available, after.Available);
        Assert.Equal(before.Escrow, after.Escrow);
        await AssertAccessibleAsync();
        await SaveScreenshotAsync("checkout-declined-desktop");
        await AtPhoneWidthAsync("checkout-declined-375px", Page.GetByTestId("result-declined"));
    }

    [Fact]
    public async Task Oli_BuysAHundredPoints_BalanceRisesByAHundred()
    {
        var before = await Fixture.SandboxWalletAsync(Oli);
        await SignInAsync("Oli Member");
        await Page.GotoAsync("/member/checkout");
        await WaitForInteractiveAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "100 points · $3.00" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/member/checkout/xcn_co_[0-9a-f]{16}$"));
        await Expect(Page.GetByTestId("topup-quote")).ToContainTextAsync("$3.00 for 100 points");
        await Expect(Page.GetByTestId("hold-countdown")).ToHaveTextAsync(new Regex(@"^1[45]:\d\d$"));
        await AssertAccessibleAsync();
        await SaveScreenshotAsync("checkout-topup-desktop");
        await AtPhoneWidthAsync("checkout-topup-375px", Page.GetByTestId("topup-quote"));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Pay $3.00" }).ClickAsync();
        await Expect(Page.GetByTestId("result-success")).ToContainTextAsync("100 points added");

        var after = await Fixture.SandboxWalletAsync(Oli);
        Assert.Equal(before.Available + 100, after.Available);
        await Expect(Page.GetByTestId("new-balance")).ToContainTextAsync(Points(after.Available));
        await AssertAccessibleAsync();
        await SaveScreenshotAsync("checkout-topup-done-desktop");
    }

    [Fact]
    public async Task Mia_DoubleClickOnPay_LeavesOneRedemption()
    {
        var before = await Fixture.SandboxWalletAsync(Mia);
        await SignInAsync("Mia Member");
        await Page.GotoAsync("/member/checkout");
        await WaitForInteractiveAsync();
        await StartTasterOrderAsync();
        await HoldAsync();

        // Two clicks in one go: both reach the circuit before it can re-render the button as disabled.
        await Page.GetByTestId("pay").EvaluateAsync("b => { b.click(); b.click(); }");
        await Expect(Page.GetByTestId("result-success")).ToContainTextAsync("100 points redeemed");

        // A refresh resumes the same, finished order and takes nothing more.
        var orderUrl = Page.Url;
        await Page.ReloadAsync();
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("result-success")).ToBeVisibleAsync();
        Assert.Equal(orderUrl, Page.Url);

        var after = await Fixture.SandboxWalletAsync(Mia);
        Assert.Equal(before.Available - 100, after.Available);
        Assert.Equal(before.Escrow, after.Escrow);
        Assert.Equal(1, await CommitsOfNewestHoldAsync(Mia));

        // An order number that is not hers answers 404, like any unknown page.
        var response = await Page.GotoAsync("/member/checkout/xcn_co_0000000000000000");
        Assert.Equal(404, response!.Status);
    }

    private async Task StartTasterOrderAsync()
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Buy Taster, 10 tokens" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/member/checkout/xcn_co_[0-9a-f]{16}$"));
        await Expect(Page.GetByTestId("available-points")).ToBeVisibleAsync();
    }

    private async Task HoldAsync()
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Hold 100 points" }).ClickAsync();
        await Expect(Page.GetByTestId("points-held")).ToContainTextAsync("100 points held");
        await Expect(Page.GetByTestId("hold-countdown")).ToHaveTextAsync(new Regex(@"^1[45]:\d\d$"));
        await Expect(Page.GetByTestId("summary-due")).ToHaveTextAsync("$0.49");
    }

    private async Task SignInAsync(string displayName)
    {
        await SandboxSignIn.SignInThroughPortalAsync(Page, displayName, "/member");
        await WaitForInteractiveAsync();
    }

    private Task AssertAccessibleAsync() => Accessibility.AssertNoSeriousViolationsAsync(Page, Page.Url);

    /// <summary>
    /// Reloads at 375 px (a phone opens the page at that width, with the menu closed; a refresh also resumes the same
    /// order), checks nothing scrolls sideways, takes a screenshot, then goes back to the desktop size.
    /// </summary>
    private async Task AtPhoneWidthAsync(string name, ILocator visible)
    {
        var desktop = Page.ViewportSize;
        await BrowserFixture.ResizeToPhoneAsync(Page);
        await Page.ReloadAsync();
        await WaitForInteractiveAsync();
        await Expect(visible).ToBeVisibleAsync();
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);

        await SaveScreenshotAsync(name);
        if (desktop is not null)
        {
            await Page.SetViewportSizeAsync(desktop.Width, desktop.Height);
            await Page.ReloadAsync();
            await WaitForInteractiveAsync();
        }
    }

    private static string Points(long points) => points.ToString("N0", CultureInfo.InvariantCulture) + " points";

    private HttpClient Sandbox() => SandboxWallets.CreateRrrClient(Fixture.SandboxUrl, "e2e-checkout-journeys");

    /// <summary>REDEMPTION_COMMIT entries in RRR's ledger for the member's newest hold (the quote id is the entries' reference).</summary>
    private async Task<int> CommitsOfNewestHoldAsync(string rrrMemberId)
    {
        using var http = Sandbox();
        var page = await http.GetFromJsonAsync<JsonElement>($"v1/members/{rrrMemberId}/transactions?limit=50", TestContext.Current.CancellationToken);
        var entries = page.GetProperty("items").EnumerateArray().ToList();
        var hold = entries.First(e => e.GetProperty("type").GetString() == "REDEMPTION_HOLD");
        var quoteId = hold.GetProperty("reference").GetString();
        return entries.Count(e => e.GetProperty("type").GetString() == "REDEMPTION_COMMIT" && e.GetProperty("reference").GetString() == quoteId);
    }

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
