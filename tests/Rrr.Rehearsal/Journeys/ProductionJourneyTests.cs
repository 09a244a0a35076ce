using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;
using Rrr.Rehearsal.Infrastructure;

namespace Rrr.Rehearsal.Journeys;

/// <summary>
/// Journeys through nginx over https only, against the published portal in Production: each is one test so the
/// tally shows which part of the deployment path broke. What each saw goes to the test output.
/// </summary>
[Collection(RehearsalCollection.Name)]
public sealed partial class ProductionJourneyTests(RehearsalFixture fixture) : IAsyncLifetime
{
    private readonly List<IPage> _pages = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Saw(string what) => TestContext.Current.TestOutputHelper?.WriteLine("saw: " + what);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            var output = TestContext.Current.TestOutputHelper;
            foreach (var page in _pages)
            {
                try
                {
                    var path = await BrowserFixture.SaveScreenshotAsync(page, "rehearsal-failed-" + (TestContext.Current.Test?.TestDisplayName ?? "test"));
                    output?.WriteLine($"Screenshot of the failed test: {path} (page {page.Url})");
                }
                catch (PlaywrightException ex)
                {
                    output?.WriteLine("No screenshot: " + ex.Message);
                }
            }

            output?.WriteLine(fixture.Diagnostics());
        }

        foreach (var page in _pages)
        {
            await page.Context.CloseAsync();
        }
    }

    public static TheoryData<string> Roles => ["mia", "luna", "ada"];

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task EachRole_SignsInAtTheIdentityProvider_AndLandsOnItsHome(string login)
    {
        var account = RehearsalFixture.Accounts.Single(a => a.Login == login);
        var home = account.Role switch { "admin" => "/admin", "model" => "/model", _ => "/member" };

        var page = await SignInAsync(account, home);

        Assert.StartsWith(fixture.PortalUrl + home, page.Url, StringComparison.Ordinal);
        await Expect(page.GetByText(account.Name).First).ToBeVisibleAsync();
        var cookies = await page.Context.CookiesAsync([fixture.PortalUrl]);
        var auth = Assert.Single(cookies, c => c.Name == "rrr.portal.auth");
        Assert.True(auth.Secure, "the auth cookie must be Secure");
        Assert.All(cookies, c => Assert.True(c.Secure, $"cookie {c.Name} must be Secure"));
        Saw($"{login} landed on {page.Url}; portal cookies {string.Join(", ", cookies.Select(c => c.Name + (c.Secure ? " (Secure)" : "")))}");
        await BrowserFixture.SaveScreenshotAsync(page, $"rehearsal-home-{login}");
    }

    [Fact]
    public async Task Member_SeesRrrsNumbers_FromTheSandboxWallet()
    {
        var wallet = await WalletAsync("rrr_m_1001");

        var page = await SignInAsync(RehearsalFixture.Mia, "/member");

        await Expect(page.GetByTestId("points-available")).ToHaveAttributeAsync("data-value", Text(wallet.Available));
        await Expect(page.GetByTestId("points-pending")).ToHaveAttributeAsync("data-value", Text(wallet.Pending));
        await Expect(page.GetByTestId("points-escrow")).ToHaveAttributeAsync("data-value", Text(wallet.Escrow));
        Saw($"mia's panel: available {wallet.Available}, pending {wallet.Pending}, escrow {wallet.Escrow} (RRR's wallet says the same)");
        await BrowserFixture.SaveScreenshotAsync(page, "rehearsal-member-points");
    }

    [Fact]
    public async Task SignedWebhookFromRrr_ReachesThePortalThroughNginx_AndTheOpenPanelUpdates()
    {
        var page = await SignInAsync(RehearsalFixture.Mia, "/member");
        await Expect(page.GetByTestId("points-available")).ToBeVisibleAsync();
        var before = long.Parse((await page.GetByTestId("points-available").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);

        // RRR posts an earn for mia: the sandbox sends POINTS_POSTED, signed, to https://portal…/webhooks/rrr.
        using var request = RrrRequest(HttpMethod.Post, "v1/earn-events", "rehearsal-webhook");
        var key = "rehearsal_webhook_" + Guid.NewGuid().ToString("N")[..10];
        request.Headers.Add("Idempotency-Key", key);
        request.Content = JsonContent.Create(new Dictionary<string, object>
        {
            ["xcn_user_id"] = RehearsalFixture.Mia.Subject,
            ["order_number"] = key,
            ["product"] = "TOKENS",
            ["amount"] = new Dictionary<string, string> { ["amount"] = "41.00", ["currency"] = "USD" },
            ["posting_mode"] = "IMMEDIATE",
        });
        using var response = await fixture.Https.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"RRR earn answered {(int)response.StatusCode}: {body}");
        var points = JsonDocument.Parse(body).RootElement.GetProperty("points").GetInt64();

        await Expect(page.GetByTestId("points-available")).ToHaveAttributeAsync("data-value", Text(before + points));
        await Expect(page.GetByText($"{points} points posted")).ToBeVisibleAsync();
        var deliveries = await fixture.Https.GetStringAsync(new Uri(fixture.RrrUrl + "/sandbox/webhooks/deliveries"), Ct);
        Assert.Contains("POINTS_POSTED", deliveries, StringComparison.Ordinal);
        Saw($"mia's open panel went from {before} to {before + points} available (+{points} points posted) without a reload");
        await BrowserFixture.SaveScreenshotAsync(page, "rehearsal-webhook-live");
    }

    [Fact]
    public async Task OrderPaidFromXcnsPaymentSystem_ThroughNginx_EarnsExactlyOnce()
    {
        var order = "rehearsal_paid_" + Guid.NewGuid().ToString("N")[..10];
        var paidAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var statuses = new List<HttpStatusCode>();

        // XCN's payment system delivers at least once: the same ORDER_PAID twice.
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.PortalUrl + "/internal/orders/paid"))
            {
                Content = JsonContent.Create(new
                {
                    order_number = order,
                    xcn_user_id = RehearsalFixture.Mia.Subject,
                    product = "TOKENS",
                    amount = "12.00",
                    currency = "USD",
                    paid_at = paidAt,
                }),
            };
            request.Headers.Add("X-Internal-Key", fixture.InternalKey);
            using var response = await fixture.Https.SendAsync(request, Ct);
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.OK, $"ORDER_PAID answered {(int)s}"));
        var earned = await WaitForAsync(async () =>
        {
            var events = await fixture.Https.GetFromJsonAsync<JsonElement>(new Uri($"{fixture.RrrUrl}/sandbox/earn-events?order_prefix={order}"), Ct);
            var items = events.GetProperty("items").EnumerateArray().ToList();
            return items.Count > 0 ? items : null;
        });
        await Task.Delay(TimeSpan.FromSeconds(2), Ct); // a second earn would have had time to arrive

        var final = (await fixture.Https.GetFromJsonAsync<JsonElement>(new Uri($"{fixture.RrrUrl}/sandbox/earn-events?order_prefix={order}"), Ct))
            .GetProperty("items").GetArrayLength();
        Assert.Equal(1, final);
        Saw($"ORDER_PAID {order} posted twice through nginx ({string.Join(", ", statuses.Select(s => (int)s))}); RRR has {final} earn event ({earned[0].GetProperty("status").GetString()})");
    }

    [Fact]
    public async Task Model_AwardsALinkedViewer()
    {
        var lunaBefore = (await WalletAsync("rrr_m_2001")).Available;
        var oliBefore = (await WalletAsync("rrr_m_1003")).Available;
        var page = await SignInAsync(RehearsalFixture.Luna, "/model");

        await page.GotoAsync("/model/room");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Expect(page.Locator("[data-viewer=xcn_u_1003] [data-testid=viewer-link-hint]")).ToHaveAttributeAsync("data-hint", "Linked");
        await page.GetByRole(AriaRole.Button, new() { Name = "Award oli" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("50 points").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await dialog.GetByTestId("award-confirm").ClickAsync();
        await Expect(page.GetByText("Awarded 50 points to oli.")).ToBeVisibleAsync();

        var lunaAfter = (await WalletAsync("rrr_m_2001")).Available;
        var oliAfter = (await WalletAsync("rrr_m_1003")).Available;
        Assert.Equal(lunaBefore - 50, lunaAfter);
        Assert.Equal(oliBefore + 50, oliAfter);
        Saw($"luna awarded oli 50 points: luna {lunaBefore} -> {lunaAfter}, oli {oliBefore} -> {oliAfter} (RRR's wallets)");
        await BrowserFixture.SaveScreenshotAsync(page, "rehearsal-model-award");
    }

    [Fact]
    public async Task AdminAdjustment_GoesThroughItsApprovals()
    {
        var before = (await WalletAsync("rrr_m_1001")).Available;
        var ticket = "REH-" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

        // Ada makes a +300 adjustment (over 100 points: two checkers besides the maker).
        var ada = await SignInAsync(RehearsalFixture.Ada, "/admin");
        await ada.GotoAsync("/admin/adjustments");
        await BrowserFixture.WaitForInteractiveAsync(ada);
        await ada.GetByLabel("Member XCN user id").FillAsync(RehearsalFixture.Mia.Subject);
        await ada.GetByLabel("Points (negative to debit)").FillAsync("300");
        await ada.GetByLabel("Ticket id").FillAsync(ticket);
        await ada.GetByLabel("Reason", new() { Exact = true }).ClickAsync();
        await ada.GetByRole(AriaRole.Option, new() { Name = "Goodwill" }).ClickAsync();
        await Expect(ada.GetByRole(AriaRole.Option, new() { Name = "Goodwill" })).ToBeHiddenAsync();
        await Expect(ada.GetByTestId("adjustment-policy")).ToContainTextAsync("300 points needs 2 distinct XCN admins.");
        await ada.GetByRole(AriaRole.Button, new() { Name = "Request adjustment" }).ClickAsync();
        var row = ada.Locator("tr").Filter(new() { HasText = ticket });
        await Expect(row.GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "PENDING");
        Assert.Equal(before, (await WalletAsync("rrr_m_1001")).Available);

        var label = $"Approve +300 points for {RehearsalFixture.Mia.Subject} ({ticket})";
        foreach (var checker in new[] { RehearsalFixture.Grace, RehearsalFixture.Hugo })
        {
            var page = await SignInAsync(checker, "/admin");
            await page.GotoAsync("/admin/adjustments");
            await BrowserFixture.WaitForInteractiveAsync(page);
            var button = page.GetByRole(AriaRole.Button, new() { Name = label });
            await Expect(button).ToBeEnabledAsync();
            await button.ClickAsync();
            await Expect(button).ToHaveCountAsync(0);
            await BrowserFixture.SaveScreenshotAsync(page, $"rehearsal-adjustment-approved-by-{checker.Login}");
        }

        // Ada's page was never reloaded: the posting comes in live.
        await Expect(row.GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "POSTED");
        await BrowserFixture.SaveScreenshotAsync(ada, "rehearsal-adjustment-posted");
        var after = await WaitForAsync(async () =>
        {
            var wallet = await WalletAsync("rrr_m_1001");
            return wallet.Available == before + 300 ? wallet : null;
        });
        Saw($"ada's +300 adjustment ({ticket}) approved by grace and hugo; mia's RRR wallet {before} -> {after.Available}");
    }

    [Fact]
    public async Task OpenRedRoomRewards_LandsOnRrr_WithAnHttpsWayBackToThePortal()
    {
        var page = await SignInAsync(RehearsalFixture.Mia, "/member");
        var button = page.GetByTestId("open-rrr");
        await Expect(button).ToBeVisibleAsync();

        var tab = await page.Context.RunAndWaitForPageAsync(() => button.ClickAsync());
        await tab.WaitForURLAsync(fixture.RrrUrl + "/dashboard");

        // RRR's page links back to the return_to the portal sent: the browser's https address, not Kestrel's http one.
        var back = tab.GetByRole(AriaRole.Link, new() { Name = "Back to XCN" });
        await Expect(back).ToHaveAttributeAsync("href", fixture.PortalUrl + "/member");
        Saw($"Open RedRoomRewards went to {tab.Url}; its way back is {await back.GetAttributeAsync("href")}");
        await BrowserFixture.SaveScreenshotAsync(tab, "rehearsal-sso-dashboard");
    }

    [Fact]
    public async Task CheckoutPage_SaysPlainlyThatCheckoutIsNotAvailable()
    {
        var page = await SignInAsync(RehearsalFixture.Mia, "/member");

        var response = await page.GotoAsync("/member/checkout");
        await BrowserFixture.WaitForInteractiveAsync(page);

        Assert.Equal(200, response!.Status);
        await Expect(page.GetByTestId("checkout-unavailable")).ToHaveTextAsync("Checkout is not available: no payment gateway is configured.");
        await Expect(page.GetByText("Something went wrong")).ToHaveCountAsync(0);
        Saw($"/member/checkout answered {response.Status}: \"{await page.GetByTestId("checkout-unavailable").TextContentAsync()}\"");
        await BrowserFixture.SaveScreenshotAsync(page, "rehearsal-checkout-unavailable");
    }

    [Fact]
    public async Task SignOut_ReturnsToTheLandingPage()
    {
        var page = await SignInAsync(RehearsalFixture.Mia, "/member");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        // oidc-provider asks before ending its own session (RP-initiated logout).
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(fixture.IdpUrl)));
        await page.Locator("button[name=logout][value=yes]").ClickAsync();
        await Expect(page).ToHaveURLAsync(fixture.PortalUrl + "/");

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First).ToBeVisibleAsync();
        var cookies = await page.Context.CookiesAsync([fixture.PortalUrl]);
        Assert.DoesNotContain(cookies, c => c.Name == "rrr.portal.auth");
        var again = await page.GotoAsync("/member");
        Assert.StartsWith(fixture.IdpUrl, again!.Url, StringComparison.Ordinal);
        Saw($"after sign-out the browser was at {fixture.PortalUrl}/ with no auth cookie; /member went to the identity provider again");
        await BrowserFixture.SaveScreenshotAsync(page, "rehearsal-signed-out");
    }

    /// <summary>
    /// Written against the ops slice's Prometheus endpoint (<c>/metrics</c>, metric <c>rrr_earn_backlog</c>), which
    /// lands separately: until it does the portal answers 404 there and this test says so as a skip. Scraped with
    /// an admin's session, so an admin-only endpoint works too.
    /// </summary>
    [Fact]
    public async Task MetricsScrape_HasTheEarnBacklog()
    {
        // As Prometheus scrapes: through nginx, with the bearer scrape key; without it the answer is 401.
        using var anonymous = await fixture.Https.GetAsync(new Uri(fixture.PortalUrl + "/metrics"), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.PortalUrl + "/metrics"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.ScrapeKey);
        using var response = await fixture.Https.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(new Regex(@"^rrr_earn_backlog(\{[^}]*\})? \d", RegexOptions.Multiline), text);
        Saw("metrics: " + string.Join("; ", text.Split('\n').Where(l => l.StartsWith("rrr_earn", StringComparison.Ordinal))));
    }

    private async Task<IPage> SignInAsync(RehearsalAccount account, string home)
    {
        var page = await fixture.NewPageAsync();
        _pages.Add(page);
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(fixture.IdpUrl) + "/interaction/"));
        await page.Locator("input[name=login]").FillAsync(account.Subject);
        await page.Locator("input[name=password]").FillAsync("rehearsal");
        await page.Locator("button[type=submit]").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(fixture.PortalUrl + home) + "$"));
        await BrowserFixture.WaitForInteractiveAsync(page, 60_000);
        return page;
    }

    private HttpRequestMessage RrrRequest(HttpMethod method, string path, string clientId)
    {
        var request = new HttpRequestMessage(method, new Uri(fixture.RrrUrl + "/" + path));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.RrrApiKey);
        request.Headers.Add("X-Client-Id", clientId);
        return request;
    }

    private sealed record Wallet(long Available, long Pending, long Escrow);

    private async Task<Wallet> WalletAsync(string rrrMemberId)
    {
        using var request = RrrRequest(HttpMethod.Get, $"v1/members/{rrrMemberId}/wallet", "rehearsal-wallet-reads");
        using var response = await fixture.Https.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"wallet read answered {(int)response.StatusCode}: {body}");
        var wallet = JsonDocument.Parse(body).RootElement;
        return new Wallet(wallet.GetProperty("available_points").GetInt64(), wallet.GetProperty("pending_points").GetInt64(), wallet.GetProperty("escrow_points").GetInt64());
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTimeOffset.UtcNow < until, "waited 60 s in vain");
            await Task.Delay(500, Ct);
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
