using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// A portal of its own for the earn journey: PENDING posting mode is portal-wide configuration
/// (Earn:PostingMode), and the journey moves the sandbox clock 48 h; neither may leak into the shared
/// portal the other journeys use.
/// </summary>
public sealed class PendingEarnPortalFixture : IAsyncLifetime
{
    public PortalProcess Portal { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Portal = await PortalProcess.StartAsync(["--Earn:PostingMode=Pending"], cancellationToken: TestContext.Current.CancellationToken);
        await PortalFixture.WarmUpAsync(Portal);
    }

    public async ValueTask DisposeAsync()
    {
        if (Portal is not null)
        {
            await Portal.DisposeAsync();
        }
    }
}

/// <summary>
/// Automatic earn as mia and an admin see it: a purchase reported by XCN (the sandbox's payment stand-in)
/// shows up on mia's open points panel as pending points, live; 48 sandbox hours later they post, live;
/// admin ada finds the order on /admin/earn as dispatched.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EarnJourneyTests(BrowserFixture browser, PendingEarnPortalFixture fixture)
    : BrowserTestBase(browser, fixture.Portal.BaseUrl), IClassFixture<PendingEarnPortalFixture>
{
    private const float LiveTimeoutMs = 60_000;

    // The RRR API's credential for the wallet read; the /sandbox/* extras need none.
    private readonly HttpClient sandbox = SandboxWallets.CreateRrrClient(fixture.Portal.SandboxUrl, "e2e-earn-journey", TimeSpan.FromSeconds(60));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override float? PageTimeoutMs => 60_000;

    public override async ValueTask DisposeAsync()
    {
        sandbox.Dispose();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Purchase_ShowsAsPendingLive_PostsLiveAfter48SandboxHours_AndAdminSeesItDispatched()
    {
        await SignInAsync(Page, "Mia Member", "/member");
        await Expect(Available()).ToBeVisibleAsync(new() { Timeout = LiveTimeoutMs });
        var available = await FigureAsync(Available());
        var pending = await FigureAsync(Pending());
        var navigations = 0;
        Page.FrameNavigated += (_, frame) => navigations += frame == Page.MainFrame ? 1 : 0;

        // 23.00 USD of tokens: 23 points (TOKENS earn 1 point per whole unit in the sandbox).
        var order = "e2e_earn_" + Guid.NewGuid().ToString("N")[..10];
        await PurchaseAsync(order, "23.00");

        await Expect(Pending()).ToHaveAttributeAsync("data-value", Text(pending + 23), new() { Timeout = LiveTimeoutMs });
        await Expect(Page.GetByText("23 points pending")).ToBeVisibleAsync(new() { Timeout = LiveTimeoutMs });
        await Expect(Available()).ToHaveAttributeAsync("data-value", Text(available));
        await SaveScreenshotAsync("earn-journey-pending");

        try
        {
            await AdvanceClockAsync(48);

            // 48 h also release whatever else mia had pending, so RRR's wallet is the measure, not a sum.
            Assert.Equal("POSTED", await EarnStatusAsync(order));
            var wallet = await SandboxWallets.ReadAsync(fixture.Portal.SandboxUrl, "rrr_m_1001");
            var availableAfter = wallet.Available;
            Assert.True(availableAfter >= available + 23, $"available {available} -> {availableAfter}");
            await Expect(Available()).ToHaveAttributeAsync("data-value", Text(availableAfter), new() { Timeout = LiveTimeoutMs });
            await Expect(Pending()).ToHaveAttributeAsync("data-value", Text(wallet.Pending));
            // One release transaction raises the wallet version once, so the panel notes its first event only
            // (later ones of the same version add nothing): that may be mia's other pending points.
            await Expect(Page.GetByText(new Regex(@"^[\d,]+ points posted$")).First).ToBeVisibleAsync(new() { Timeout = LiveTimeoutMs });
            await SaveScreenshotAsync("earn-journey-posted");
        }
        finally
        {
            // Tokens and sessions are issued on real time; put the sandbox clock back before anyone signs in again.
            using var reset = await sandbox.PostAsync("sandbox/clock/reset", null, Ct);
            reset.EnsureSuccessStatusCode();
        }

        Assert.Equal(0, navigations);

        // The pending points and their posting are notifications too, kept in mia's inbox.
        await Page.GotoAsync("/notifications");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("notification-text").Filter(new() { HasText = "23 points posted" }).First)
            .ToBeVisibleAsync(new() { Timeout = LiveTimeoutMs });
        await Expect(Page.GetByTestId("notification-text").Filter(new() { HasText = "23 points pending" }).First).ToBeVisibleAsync();
        await SaveScreenshotAsync("earn-journey-notifications");

        // Ada, the XCN admin, in a browser of her own.
        var context = await Browser.NewContextAsync(fixture.Portal.BaseUrl);
        try
        {
            var admin = await context.NewPageAsync();
            admin.SetDefaultTimeout(60_000);
            admin.SetDefaultNavigationTimeout(60_000);
            await SignInAsync(admin, "Ada Admin", "/admin");
            await admin.GotoAsync("/admin/earn");
            await BrowserFixture.WaitForInteractiveAsync(admin);

            var row = admin.GetByRole(AriaRole.Row).Filter(new() { Has = admin.GetByTestId("dispatched-order").GetByText(order, new() { Exact = true }) });
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row).ToContainTextAsync("PENDING");
            await Expect(row).ToContainTextAsync("xcn_u_1001");

            await Accessibility.AssertNoSeriousViolationsAsync(admin, "/admin/earn");
            await BrowserFixture.SaveScreenshotAsync(admin, "earn-journey-admin-desktop");
            await BrowserFixture.ResizeToPhoneAsync(admin);
            await Expect(row).ToBeVisibleAsync();
            await BrowserFixture.SaveScreenshotAsync(admin, "earn-journey-admin-375px");
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private ILocator Available() => Page.GetByTestId("points-available");

    private ILocator Pending() => Page.GetByTestId("points-pending");

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<long> FigureAsync(ILocator figure) =>
        long.Parse((await figure.GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);

    private static async Task SignInAsync(IPage page, string account, string landingPath)
    {
        await SandboxSignIn.SignInThroughPortalAsync(page, account, landingPath);
        await BrowserFixture.WaitForInteractiveAsync(page);
    }

    /// <summary>XCN reports the paid order to the portal (the sandbox's /sandbox/xcn/purchases, as its /purchases page does).</summary>
    private async Task PurchaseAsync(string order, string amount)
    {
        using var response = await sandbox.PostAsJsonAsync(
            "sandbox/xcn/purchases",
            new Dictionary<string, string> { ["xcn_user_id"] = "xcn_u_1001", ["product"] = "TOKENS", ["amount"] = amount, ["order_number"] = order },
            Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"purchase answered {(int)response.StatusCode}: {body}");
        Assert.Equal(202, JsonDocument.Parse(body).RootElement.GetProperty("portal_status").GetInt32());
    }

    private async Task<string?> EarnStatusAsync(string order)
    {
        var earned = await sandbox.GetFromJsonAsync<JsonElement>($"sandbox/earn-events?order_prefix={order}", Ct);
        return earned.GetProperty("items").EnumerateArray().Single().GetProperty("status").GetString();
    }

    private async Task AdvanceClockAsync(int hours)
    {
        using var response = await sandbox.PostAsJsonAsync("sandbox/clock/advance", new { hours }, Ct);
        response.EnsureSuccessStatusCode();
    }

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
