using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// Account linking and "Open RedRoomRewards" against the real portal and its in-process sandbox: codes come
/// from the sandbox's stand-in for the RRR inbox. Noah and Pia are left unlinked, as they started.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class LinkingJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    private const string Noah = "xcn_u_1002";
    private const string Pia = "xcn_u_1004";
    private const float RrrTimeoutMs = 90_000;

    private static readonly Regex Unlinked = new("^(Revoked|Pending|NotLinked)$");

    protected override float? PageTimeoutMs => 60_000;

    [Fact]
    public async Task Noah_IsLedToTheWizard_LinksWithTheInboxCode_SeesHisPoints_ThenRevokesWithConfirmation()
    {
        await RevokeInSandboxAsync(Noah);
        var available = (await Fixture.SandboxWalletAsync("rrr_m_1002")).Available;
        try
        {
            await SignInAsync("Noah Newcomer");
            await Expect(Page.GetByTestId("not-linked")).ToBeVisibleAsync(new() { Timeout = RrrTimeoutMs });
            await AssertNoSeriousAxeViolationsAsync("unlinked member home");

            // Unlinked: "Open RedRoomRewards" is a way into the wizard instead.
            await Page.GetByTestId("open-rrr-link-first").ClickAsync();
            await Expect(Page).ToHaveURLAsync(new Regex("/member/link$"));
            await Expect(Wizard()).ToHaveAttributeAsync("data-step", "Start", new() { Timeout = RrrTimeoutMs });
            await AssertNoSeriousAxeViolationsAsync("start");
            await AtPhoneWidthAsync("link-wizard-start");

            await Page.GetByLabel("RRR member number").FillAsync("rrr_m_1002");
            await Page.GetByRole(AriaRole.Button, new() { Name = "Send me a code" }).ClickAsync();
            await Expect(Wizard()).ToHaveAttributeAsync("data-step", "EnterCode", new() { Timeout = RrrTimeoutMs });
            await Expect(Page.GetByTestId("code-step")).ToContainTextAsync("RedRoomRewards inbox");
            await Expect(Page.GetByTestId("sandbox-inbox")).ToHaveAttributeAsync("href", new Regex("/inbox\\?member=xcn_u_1002$"));
            await AssertNoSeriousAxeViolationsAsync("code");

            var code = await InboxCodeAsync(Noah);
            await EnterCodeAsync(code == "000000" ? "111111" : "000000");
            await Expect(Page.GetByTestId("wizard-problem")).ToContainTextAsync("That code is not right. 4 tries left.", new() { Timeout = RrrTimeoutMs });
            await SaveScreenshotAsync("link-wizard-wrong-code-desktop");
            await AtPhoneWidthAsync("link-wizard-wrong-code");
            await AssertNoSeriousAxeViolationsAsync("wrong code");

            await EnterCodeAsync(code);
            await Expect(Wizard()).ToHaveAttributeAsync("data-step", "Linked", new() { Timeout = RrrTimeoutMs });
            await Expect(Page.GetByTestId("linked-member")).ToHaveTextAsync("rrr_m_1002");
            await Expect(Page.GetByTestId("link-status")).ToHaveAttributeAsync("data-status", "Linked");
            await AssertNoSeriousAxeViolationsAsync("linked");
            await SaveScreenshotAsync("link-wizard-linked-desktop");
            await AtPhoneWidthAsync("link-wizard-linked");
            await Page.SetViewportSizeAsync(1280, 800);

            await Page.GetByRole(AriaRole.Link, new() { Name = "Back to my points" }).ClickAsync();
            await Expect(Page).ToHaveURLAsync(new Regex("/member$"));
            await Expect(Page.GetByTestId("points-available"))
                .ToHaveAttributeAsync("data-value", available.ToString(CultureInfo.InvariantCulture), new() { Timeout = RrrTimeoutMs });
            await Expect(Page.GetByTestId("link-status")).ToHaveCountAsync(2);
            foreach (var chip in await Page.GetByTestId("link-status").AllAsync())
            {
                await Expect(chip).ToHaveAttributeAsync("data-status", "Linked");
            }

            // Revoke from next to the panel: cancelling keeps the link, confirming ends it.
            await Page.GetByTestId("revoke-link").ClickAsync();
            var dialog = Page.GetByRole(AriaRole.Dialog);
            await Expect(dialog).ToContainTextAsync("rrr_m_1002");
            await SaveScreenshotAsync("link-revoke-dialog");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Keep the link" }).ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            Assert.Equal("LINKED", (await SandboxJsonAsync("v1/links?xcn_user_id=" + Noah)).GetProperty("status").GetString());

            await Page.GetByTestId("revoke-link").ClickAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke link" }).ClickAsync();
            // Revoked, or PENDING when another intent of his is still open at RRR (the sandbox journey opens one).
            foreach (var chip in await Page.GetByTestId("link-status").AllAsync())
            {
                await Expect(chip).ToHaveAttributeAsync("data-status", Unlinked, new() { Timeout = RrrTimeoutMs });
            }

            await Expect(Page.GetByTestId("not-linked")).ToBeVisibleAsync();
            Assert.NotEqual("LINKED", (await SandboxJsonAsync("v1/links?xcn_user_id=" + Noah)).GetProperty("status").GetString());
        }
        finally
        {
            await RevokeInSandboxAsync(Noah);
        }
    }

    [Fact]
    public async Task Pia_WithoutAnRrrAccount_LinksToAFreshOne_ThenRevokesOnTheWizard()
    {
        await RevokeInSandboxAsync(Pia);
        try
        {
            await SignInAsync("Pia Viewer");
            await Page.GotoAsync("/member/link");
            await WaitForInteractiveAsync();
            await Expect(Wizard()).ToHaveAttributeAsync("data-step", "Start", new() { Timeout = RrrTimeoutMs });

            await Page.GetByRole(AriaRole.Button, new() { Name = "Send me a code" }).ClickAsync();
            await Expect(Wizard()).ToHaveAttributeAsync("data-step", "EnterCode", new() { Timeout = RrrTimeoutMs });
            await EnterCodeAsync(await InboxCodeAsync(Pia));

            await Expect(Wizard()).ToHaveAttributeAsync("data-step", "Linked", new() { Timeout = RrrTimeoutMs });
            var member = await Page.GetByTestId("linked-member").TextContentAsync();
            Assert.Matches("^rrr_m_\\d+$", member);
            var link = await SandboxJsonAsync("v1/links?xcn_user_id=" + Pia);
            Assert.Equal(member, link.GetProperty("rrr_member_id").GetString());

            await Page.GetByTestId("revoke-link").ClickAsync();
            await Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke link" }).ClickAsync();
            await Expect(Wizard()).ToHaveAttributeAsync("data-step", "Start", new() { Timeout = RrrTimeoutMs });
            await Expect(Page.GetByTestId("link-status")).ToHaveAttributeAsync("data-status", Unlinked);
            Assert.NotEqual("LINKED", (await SandboxJsonAsync("v1/links?xcn_user_id=" + Pia)).GetProperty("status").GetString());
        }
        finally
        {
            await RevokeInSandboxAsync(Pia);
        }
    }

    [Fact]
    public async Task Mia_OpensRedRoomRewards_InANewTab_OnHerOwnDashboard()
    {
        var wallet = await Fixture.SandboxWalletAsync("rrr_m_1001");
        await SignInAsync("Mia Member");
        var button = Page.GetByTestId("open-rrr");
        await Expect(button).ToBeVisibleAsync(new() { Timeout = RrrTimeoutMs });
        Assert.DoesNotContain("sso/consume", await Page.ContentAsync(), StringComparison.Ordinal);

        var tab = await Page.Context.RunAndWaitForPageAsync(() => button.ClickAsync());
        await tab.WaitForURLAsync(new Regex("/dashboard"), new() { Timeout = RrrTimeoutMs });

        await Assertions.Expect(tab.GetByText("Member rrr_m_1001")).ToBeVisibleAsync();
        var shown = await tab.GetByTestId("available").TextContentAsync();
        var now = (await Fixture.SandboxWalletAsync("rrr_m_1001")).Available;
        Assert.Contains(long.Parse(shown!.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture),
            new[] { wallet.Available, now });
        await BrowserFixture.SaveScreenshotAsync(tab, "sso-dashboard-new-tab");
        Assert.Equal("/member", new Uri(Page.Url).AbsolutePath);
    }

    [Fact]
    public async Task Mia_OpensRedRoomRewards_WhileRrrIsDown_TheNewTabSaysSoPlainly()
    {
        await SignInAsync("Mia Member");
        var button = Page.GetByTestId("open-rrr");
        await Expect(button).ToBeVisibleAsync(new() { Timeout = RrrTimeoutMs });
        try
        {
            await SetOutageAsync(true);
            var tab = await Page.Context.RunAndWaitForPageAsync(() => button.ClickAsync());
            await tab.WaitForURLAsync(new Regex("/member/rrr/unavailable$"), new() { Timeout = RrrTimeoutMs });

            await Assertions.Expect(tab.GetByRole(AriaRole.Heading, new() { Name = "RedRoomRewards is temporarily unavailable" })).ToBeVisibleAsync();
            await Assertions.Expect(tab.GetByText("Nothing was lost")).ToBeVisibleAsync();
            await BrowserFixture.SaveScreenshotAsync(tab, "sso-unavailable-new-tab");
        }
        finally
        {
            await SetOutageAsync(false);
        }
    }

    [Fact]
    public async Task Noah_BuysBeforeLinking_SeesThePointsWaiting_LinksAndTheHeldOrderPostsExactlyOnce()
    {
        await RevokeInSandboxAsync(Noah);
        var available = (await Fixture.SandboxWalletAsync("rrr_m_1002")).Available;
        var order = "e2e_held_" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            await SignInAsync("Noah Newcomer");
            await Expect(Page.GetByTestId("not-linked")).ToBeVisibleAsync(new() { Timeout = RrrTimeoutMs });

            // XCN's payment system reports noah's purchase while he is not linked: RRR says not_linked, the portal holds it.
            using (var http = Sandbox())
            {
                using var bought = await http.PostAsJsonAsync(
                    "sandbox/xcn/purchases", new { xcn_user_id = Noah, product = "TOKENS", amount = "19.99", order_number = order }, TestContext.Current.CancellationToken);
                bought.EnsureSuccessStatusCode();
            }

            var held = Page.GetByTestId("panel-held");
            await Expect(held).ToHaveAttributeAsync("data-points", "19", new() { Timeout = RrrTimeoutMs });
            await Expect(Page.GetByTestId("panel-held-text")).ToHaveTextAsync("19 points waiting — link your account to claim them");
            await Accessibility.AssertNoSeriousViolationsAsync(Page, "the held points line");
            await SaveScreenshotAsync("member-held-points-desktop");
            Assert.Equal(0, (await SandboxJsonAsync("sandbox/earn-events?order_prefix=" + order)).GetProperty("total").GetInt32());

            // He links through the wizard: the held order posts once, under a key of its own order.
            await Page.GetByTestId("panel-held-link").ClickAsync();
            await Expect(Wizard()).ToHaveAttributeAsync("data-step", "Start", new() { Timeout = RrrTimeoutMs });
            await Page.GetByLabel("RRR member number").FillAsync("rrr_m_1002");
            await Page.GetByRole(AriaRole.Button, new() { Name = "Send me a code" }).ClickAsync();
            await Expect(Page.GetByTestId("code-step")).ToBeVisibleAsync(new() { Timeout = RrrTimeoutMs });
            await EnterCodeAsync(await InboxCodeAsync(Noah));
            await Expect(Wizard()).ToHaveAttributeAsync("data-step", "Linked", new() { Timeout = RrrTimeoutMs });

            JsonElement earned = default;
            for (var i = 0; i < 60; i++)
            {
                earned = await SandboxJsonAsync("sandbox/earn-events?order_prefix=" + order);
                if (earned.GetProperty("total").GetInt32() > 0)
                {
                    break;
                }

                await Task.Delay(500, TestContext.Current.CancellationToken);
            }

            Assert.Equal((1, 1, 1), (earned.GetProperty("total").GetInt32(), earned.GetProperty("distinct_orders").GetInt32(), earned.GetProperty("earn_entries").GetInt32()));
            await Page.GetByRole(AriaRole.Link, new() { Name = "Back to my points" }).ClickAsync();
            await Expect(Page.GetByTestId("points-available"))
                .ToHaveAttributeAsync("data-value", (available + 19).ToString(CultureInfo.InvariantCulture), new() { Timeout = RrrTimeoutMs });
            await Expect(Page.GetByTestId("panel-held")).ToHaveCountAsync(0);

            // Still one a while later: nothing posts it a second time.
            await Task.Delay(3_000, TestContext.Current.CancellationToken);
            Assert.Equal(1, (await SandboxJsonAsync("sandbox/earn-events?order_prefix=" + order)).GetProperty("earn_entries").GetInt32());
        }
        finally
        {
            await RevokeInSandboxAsync(Noah);
        }
    }

    private async Task SetOutageAsync(bool outage)
    {
        using var http = Sandbox();
        using var response = await http.PutAsJsonAsync("sandbox/faults", new { outage }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private ILocator Wizard() => Page.GetByTestId("link-wizard");

    private async Task EnterCodeAsync(string code)
    {
        await Page.GetByLabel("6-digit code").FillAsync(code);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Link my account" }).ClickAsync();
    }

    private async Task SignInAsync(string displayName)
    {
        await SandboxSignIn.SignInThroughPortalAsync(Page, displayName, "/member");
        await WaitForInteractiveAsync();
    }

    private Task AssertNoSeriousAxeViolationsAsync(string step) =>
        Accessibility.AssertNoSeriousViolationsAsync(Page, $"the {step} step");

    /// <summary>At 375 px nothing scrolls sideways (the elements that stick out are named); a screenshot for the eye.</summary>
    private async Task AtPhoneWidthAsync(string name)
    {
        await BrowserFixture.ResizeToPhoneAsync(Page);
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);

        await SaveScreenshotAsync(name + "-375px");
        await Page.SetViewportSizeAsync(1280, 800);
    }

    private HttpClient Sandbox() => SandboxWallets.CreateRrrClient(Fixture.SandboxUrl, "e2e-linking-journeys");

    private async Task<JsonElement> SandboxJsonAsync(string path)
    {
        using var http = Sandbox();
        return await http.GetFromJsonAsync<JsonElement>(path, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// The code of the intent the wizard shows, from the sandbox's stand-in for the member's RRR inbox (matched by
    /// intent id: other journeys open intents too, and a moved sandbox clock can reorder "newest first").
    /// </summary>
    private async Task<string> InboxCodeAsync(string xcnUserId)
    {
        var intentId = await Page.GetByTestId("code-step").GetAttributeAsync("data-intent");
        var inbox = await SandboxJsonAsync("sandbox/inbox?xcn_user_id=" + xcnUserId);
        return inbox.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("intent_id").GetString() == intentId).GetProperty("code").GetString()!;
    }

    /// <summary>Leaves the user unlinked (as the demo directory starts), whatever a failed run left behind.</summary>
    private async Task RevokeInSandboxAsync(string xcnUserId)
    {
        var link = await SandboxJsonAsync("v1/links?xcn_user_id=" + xcnUserId);
        if (link.GetProperty("status").GetString() != "LINKED")
        {
            return;
        }

        using var http = Sandbox();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/links/{link.GetProperty("link_id").GetString()}/revoke")
        {
            Content = JsonContent.Create(new { reason = "e2e_cleanup" }),
        };
        request.Headers.Add("Idempotency-Key", "e2e-link-cleanup-" + Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
