using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// The portal's in-process sandbox in the real dev configuration: a ledger change made through the RRR
/// API reaches the portal's <c>/webhooks/rrr</c> (signed with the dev secret) and the sandbox's own
/// pages render what happened. Screenshots go to test-output/screenshots/sandbox-*.png.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class SandboxJourneyTests(PortalFixture fixture) : PortalTestBase(fixture), IDisposable
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(15);

    // Generous: the first call after start-up can be very slow on a loaded machine (see InitializeAsync);
    // what the tests bound is delivery (DeliveryTimeout), not the speed of one request.
    private readonly HttpClient _rrr = SandboxWallets.CreateRrrClient(fixture.SandboxUrl, "rrr-e2e", TimeSpan.FromMinutes(2));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The sandbox's first request builds its route table and JITs its pipeline (3–4 s on an idle machine,
    /// far more while the other test assembly runs), so it is made here, outside anything that is timed.
    /// </summary>
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var clock = Stopwatch.StartNew();
        using var response = await _rrr.GetAsync(new Uri("/health", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        TestContext.Current.TestOutputHelper?.WriteLine($"Sandbox warm-up: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task EarnThroughTheRrrApi_IsDeliveredToThePortal_AndShownInTheWebhookLog()
    {
        var before = await EventIdsAsync();

        var earn = await PostAsync("/v1/earn-events", new
        {
            xcn_user_id = "xcn_u_1001",
            order_number = "e2e-" + Guid.NewGuid().ToString("N")[..12],
            product = "TOKENS",
            amount = new { amount = "12.00", currency = "USD" },
            posting_mode = "IMMEDIATE",
        });
        Assert.Equal("POSTED", earn.GetProperty("status").GetString());

        // The collection runs one test at a time, so the only new POINTS_POSTED event is this earn's.
        var events = await GetAsync("/sandbox/webhooks/events?limit=500");
        var newPointsPosted = events.GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "POINTS_POSTED")
            .Select(e => e.GetProperty("event_id").GetString()!)
            .ToList();
        var eventId = Assert.Single(newPointsPosted, id => !before.Contains(id));

        var delivered = await WaitForDeliveryAsync(eventId);
        Assert.Equal("DELIVERED", delivered.GetProperty("status").GetString());
        Assert.Equal(202, delivered.GetProperty("response_code").GetInt32());
        Assert.Equal(1, delivered.GetProperty("attempt").GetInt32());

        await Page.GotoAsync(Fixture.SandboxUrl + "/webhooks");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Webhook deliveries", Level = 1 })).ToBeVisibleAsync();
        var row = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = eventId });
        await Expect(row).ToContainTextAsync("POINTS_POSTED");
        await Expect(row).ToContainTextAsync("DELIVERED");
        await Expect(row).ToContainTextAsync("202");
        await SaveScreenshotAsync("sandbox-webhooks");

        AssertNoPiiInPortalLogs();
    }

    [Fact]
    public async Task Inbox_ShowsTheCodeOfANewLinkIntent()
    {
        var intent = await PostAsync("/v1/links/intents", new { xcn_user_id = "xcn_u_1002" });
        var inbox = await GetAsync("/sandbox/inbox?xcn_user_id=xcn_u_1002");
        var code = inbox.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("intent_id").GetString() == intent.GetProperty("intent_id").GetString())
            .GetProperty("code").GetString()!;
        Assert.Matches(SixDigits(), code);

        await Page.GotoAsync(Fixture.SandboxUrl + "/inbox?member=xcn_u_1002");

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Member code inbox", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("Code for xcn_u_1002").First).ToHaveTextAsync(code);
        await Expect(Page.GetByRole(AriaRole.Row).Filter(new() { HasText = code })).ToContainTextAsync("rrr_m_1002");
        await SaveScreenshotAsync("sandbox-inbox");

        // The code is a secret of the member's: never in the portal's logs.
        Assert.DoesNotContain(code, Portal.Logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_SignedInAsRita_ShowsTheApprovalQueues()
    {
        await Page.GotoAsync(Fixture.SandboxUrl + "/console");
        await SandboxSignIn.ChooseAccountAsync(Page, "Rita RRR-Admin");

        await Expect(Page).ToHaveURLAsync(Fixture.SandboxUrl + "/console");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "RRR-admin console", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Promotions waiting for the RRR approval" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Adjustments waiting for the RRR approval" })).ToBeVisibleAsync();
        await SaveScreenshotAsync("sandbox-console");
    }

    [Fact]
    public async Task Dashboard_ReachedThroughAnSsoTicket_ShowsTheMembersWallet()
    {
        var wallet = await Fixture.SandboxWalletAsync("rrr_m_1001");
        var ticket = await PostAsync("/v1/sso/tickets", new { rrr_member_id = "rrr_m_1001" });
        var url = ticket.GetProperty("url").GetString()!;
        Assert.StartsWith(Fixture.SandboxUrl + "/sso/consume?ticket=", url, StringComparison.Ordinal);

        await Page.GotoAsync(url);

        await Expect(Page).ToHaveURLAsync(Fixture.SandboxUrl + "/dashboard");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Your RedRoomRewards", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByText("Member rrr_m_1001")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("available"))
            .ToHaveTextAsync(wallet.Available.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Recent transactions" })).ToBeVisibleAsync();
        await SaveScreenshotAsync("sandbox-dashboard");

        // Single use: the same link a second time is refused.
        var again = await Page.GotoAsync(url);
        Assert.Equal(410, again!.Status);
        var ticketValue = new Uri(url).Query["?ticket=".Length..];
        Assert.DoesNotContain(Uri.UnescapeDataString(ticketValue), Portal.Logs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/", "RRR sandbox", "home", "Webhook deliveries")]
    [InlineData("/clock", "Sandbox clock", "clock", "Reset to real time")]
    [InlineData("/faults", "Fault injection", "faults", "Fail the next calls")]
    public async Task SandboxPage_RendersItsHeadingAndControls(string path, string heading, string shot, string visibleText)
    {
        var response = await Page.GotoAsync(Fixture.SandboxUrl + path);

        Assert.Equal(200, response!.Status);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByText(visibleText, new() { Exact = true })).ToBeVisibleAsync();
        await Expect(Page.GetByText("development stand-in, not the real RRR")).ToBeVisibleAsync();
        await SaveScreenshotAsync("sandbox-" + shot);
    }

    [Fact]
    public async Task FaultsPage_LabelsEveryField()
    {
        await Page.GotoAsync(Fixture.SandboxUrl + "/faults");

        foreach (var label in new[] { "Latency (ms)", "Error rate (0–1)", "Count", "Status" })
        {
            await Expect(Page.GetByLabel(label, new() { Exact = true })).ToBeVisibleAsync();
        }

        await Expect(Page.GetByLabel("Outage (503, Retry-After: 5)")).Not.ToBeCheckedAsync();
    }

    public void Dispose() => _rrr.Dispose();

    private void AssertNoPiiInPortalLogs()
    {
        var logs = Portal.Logs;
        foreach (var name in new[] { "Mia Member", "Noah Newcomer", "Luna Model", "Ada Admin", "Grace Admin", "Rita RRR-Admin" })
        {
            Assert.DoesNotContain(name, logs, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotMatch(new Regex(@"[\w.+-]+@[\w-]+\.[\w.]+"), logs);
        Assert.DoesNotContain("whsec_", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("sandbox-api-key", logs, StringComparison.Ordinal);
    }

    private async Task<JsonElement> WaitForDeliveryAsync(string eventId)
    {
        var clock = Stopwatch.StartNew();
        JsonElement last = default;
        while (clock.Elapsed < DeliveryTimeout)
        {
            var attempts = await GetAsync("/sandbox/webhooks/deliveries?event_id=" + Uri.EscapeDataString(eventId));
            var items = attempts.GetProperty("items").EnumerateArray().ToList();
            if (items.Count > 0)
            {
                last = items[0];
                if (last.GetProperty("status").GetString() == "DELIVERED")
                {
                    return last;
                }
            }

            await Task.Delay(250, Ct);
        }

        Assert.Fail($"Event {eventId} was not delivered within {DeliveryTimeout.TotalSeconds} s; last attempt: "
            + (last.ValueKind == JsonValueKind.Undefined ? "none" : last.ToString()) + "\n--- portal log tail ---\n" + Portal.LogTail);
        return last;
    }

    private async Task<HashSet<string>> EventIdsAsync()
    {
        var events = await GetAsync("/sandbox/webhooks/events?limit=500");
        return events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await _rrr.GetAsync(new Uri(path, UriKind.Relative), Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", "e2e-" + Guid.NewGuid().ToString("N"));
        using var response = await _rrr.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex SixDigits();

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
