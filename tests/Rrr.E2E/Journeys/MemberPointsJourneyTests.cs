using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// Mia's points panel against the real portal and its in-process sandbox: real balance, live update from a
/// webhook, outage and recovery without reload, accessibility, desktop and phone screenshots.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class MemberPointsJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    private const float RrrTimeoutMs = 90_000; // an outage read waits out RRR's retries (Retry-After 5 s) before giving up

    protected override float? PageTimeoutMs => 60_000;

    [Fact]
    public async Task Mia_SeesHerRealBalanceFromRrr_WithHistory_LinkChip_NoSeriousAxeViolations_AndFitsAPhone()
    {
        var wallet = await Fixture.SandboxWalletAsync("rrr_m_1001");

        await SignInAsMiaAsync();

        await Expect(Available()).ToHaveAttributeAsync("data-value", wallet.Available.ToString(CultureInfo.InvariantCulture));
        await Expect(Page.GetByTestId("points-pending")).ToHaveAttributeAsync("data-value", wallet.Pending.ToString(CultureInfo.InvariantCulture));
        await Expect(Page.GetByTestId("points-escrow")).ToHaveAttributeAsync("data-value", wallet.Escrow.ToString(CultureInfo.InvariantCulture));
        await Expect(Page.GetByTestId("as-of")).ToContainTextAsync(new Regex(@"As of \d{1,2}:\d\d(\s[AP]M)? \("));
        // Panel and app bar read the same service: both say "linked".
        await Expect(Page.GetByTestId("link-status")).ToHaveCountAsync(2);
        foreach (var chip in await Page.GetByTestId("link-status").AllAsync())
        {
            await Expect(chip).ToHaveAttributeAsync("data-status", "Linked");
        }

        await Expect(Page.GetByTestId("history-row").First).ToBeVisibleAsync();
        if (wallet.ExpiringSoon > 0)
        {
            await Expect(Page.GetByTestId("expiring-item").First).ToContainTextAsync(new Regex(@"points\s+expire\s+\d{1,2} \w{3} \d{4}\s+\(in "));
        }

        await Accessibility.AssertNoSeriousViolationsAsync(Page, "/member");

        await SaveScreenshotAsync("member-points-desktop");
        await BrowserFixture.ResizeToPhoneAsync(Page);
        await Expect(Available()).ToBeVisibleAsync();
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);
        await SaveScreenshotAsync("member-points-375px");
    }

    [Fact]
    public async Task EarnPostedInRrr_ShowsUpLive_WithoutReload()
    {
        await SignInAsMiaAsync();
        var before = long.Parse((await Available().GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
        var navigations = 0;
        Page.FrameNavigated += (_, frame) => navigations += frame == Page.MainFrame ? 1 : 0;

        var earned = await PostEarnAsync("xcn_u_1001", amount: "37.00");

        await Expect(Available()).ToHaveAttributeAsync("data-value", (before + earned).ToString(CultureInfo.InvariantCulture), new() { Timeout = 30_000 });
        await Expect(Page.GetByText($"{earned} points posted")).ToBeVisibleAsync();
        Assert.Equal(0, navigations);
        await SaveScreenshotAsync("member-points-live-update");
    }

    [Fact]
    public async Task RrrOutage_ShowsLastKnownValues_ThenRecoversWithoutReload()
    {
        await SignInAsMiaAsync();
        var known = await Available().GetAttributeAsync("data-value");
        var navigations = 0;
        Page.FrameNavigated += (_, frame) => navigations += frame == Page.MainFrame ? 1 : 0;

        try
        {
            await SetOutageAsync(true);
            await Page.GetByRole(AriaRole.Button, new() { Name = "Refresh points" }).ClickAsync();

            var notice = Page.GetByTestId("rrr-unavailable");
            await Expect(notice).ToBeVisibleAsync(new() { Timeout = RrrTimeoutMs });
            await Expect(notice).ToContainTextAsync(new Regex("RedRoomRewards is temporarily unavailable — showing what RRR last said (just now|\\d+ min ago)"));
            await Expect(Available()).ToHaveAttributeAsync("data-value", known!);

            // The account card beside the panel keeps the link it knew, says it is the last known, and never "not linked".
            await Expect(Page.GetByTestId("card-last-known")).ToBeVisibleAsync();
            await Expect(Page.GetByTestId("card-member")).ToBeVisibleAsync();
            await Expect(Page.GetByText("Not linked yet")).ToHaveCountAsync(0);
            await SaveScreenshotAsync("member-points-outage-desktop");
            await BrowserFixture.ResizeToPhoneAsync(Page);
            await SaveScreenshotAsync("member-points-outage-375px");
        }
        finally
        {
            await SetOutageAsync(false);
        }

        await Expect(Page.GetByTestId("rrr-unavailable")).ToHaveCountAsync(0, new() { Timeout = RrrTimeoutMs });
        await Expect(Available()).ToHaveAttributeAsync("data-value", new Regex(@"^\d+$"));
        Assert.Equal(0, navigations);
    }

    private ILocator Available() => Page.GetByTestId("points-available");

    private async Task SignInAsMiaAsync()
    {
        await SandboxSignIn.SignInThroughPortalAsync(Page, "Mia Member", "/member");
        await WaitForInteractiveAsync();
        await Expect(Available()).ToBeVisibleAsync(new() { Timeout = RrrTimeoutMs });
    }

    private HttpClient Sandbox() => SandboxWallets.CreateRrrClient(Fixture.SandboxUrl, "e2e-member-journeys");

    private async Task<long> PostEarnAsync(string xcnUserId, string amount)
    {
        using var http = Sandbox();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/earn-events")
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["xcn_user_id"] = xcnUserId,
                ["order_number"] = "e2e-" + Guid.NewGuid().ToString("N"),
                ["product"] = "TOKENS",
                ["amount"] = new Dictionary<string, string> { ["amount"] = amount, ["currency"] = "USD" },
                ["posting_mode"] = "IMMEDIATE",
            }),
        };
        request.Headers.Add("Idempotency-Key", "e2e-earn-" + Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"earn-events answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("points").GetInt64();
    }

    private async Task SetOutageAsync(bool outage)
    {
        using var http = Sandbox();
        using var response = await http.PutAsJsonAsync("sandbox/faults", new { outage }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
