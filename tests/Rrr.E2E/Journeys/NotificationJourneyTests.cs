using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// Notifications across two people: luna awards oli while oli has /member open in another browser context; oli's
/// toast and bell count come without a reload, the inbox names luna, and the notification is still there after
/// oli signs out and in again.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class NotificationJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    protected override float? PageTimeoutMs => 60_000;

    [Fact]
    public async Task LunaAwardsOli_OliSeesTheToastAndTheBell_Live_AndTheNotificationOutlivesSignOut()
    {
        // oli, in his own browser context, on his points page.
        await using var oliContext = await Fixture.Browser.NewContextAsync(Fixture.BaseUrl);
        var oli = await oliContext.NewPageAsync();
        oli.SetDefaultTimeout(60_000);
        await SandboxSignIn.SignInThroughPortalAsync(oli, "Oli Member", "/member");
        await BrowserFixture.WaitForInteractiveAsync(oli);
        var bell = oli.GetByTestId("notification-count");
        await Expect(oli.GetByTestId("notification-bell")).ToBeVisibleAsync();
        // The stored count first: read before it arrives, "before" would be 0 and the check below off by oli's older rows.
        await Expect(bell).ToHaveAttributeAsync("data-counted", "true");
        var before = int.Parse(await bell.GetAttributeAsync("data-value") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var navigations = 0;
        oli.FrameNavigated += (_, frame) => navigations += frame == oli.MainFrame ? 1 : 0;

        // luna awards oli 23 points from her live room (this test's own page).
        await SandboxSignIn.SignInThroughPortalAsync(Page, "Luna Model", "/model");
        await Page.GotoAsync("/model/room");
        await WaitForInteractiveAsync();
        var streamTotal = Page.GetByTestId("stream-total");
        var streamBefore = long.Parse(await streamTotal.GetAttributeAsync("data-value") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var budgetBefore = long.Parse(await Page.GetByTestId("stream-budget-left").GetAttributeAsync("data-value") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Award oli" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        // An amount no other journey awards, so oli's inbox row below is this award's.
        await dialog.GetByLabel("Custom amount").FillAsync("23");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await dialog.GetByTestId("award-confirm").ClickAsync();
        await Expect(Page.GetByText("Awarded 23 points to oli.")).ToBeVisibleAsync();

        // luna's room: the stream's running total, its budget and its feed follow at once.
        await Expect(streamTotal).ToHaveAttributeAsync("data-value", (streamBefore + 23).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Page.GetByTestId("stream-budget-left")).ToHaveAttributeAsync("data-value", (budgetBefore - 23).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Page.GetByTestId("stream-feed-row").First).ToContainTextAsync("oli · 23 points");
        await Expect(Page.GetByTestId("stream-feed-row").First).ToHaveAttributeAsync("data-status", "COMMITTED");
        await BrowserFixture.SaveScreenshotAsync(Page, "model-room-stream-feed");

        // oli: the toast and the bell, without a reload.
        await Expect(oli.GetByText("Luna sent you 23 points")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(bell).ToHaveAttributeAsync("data-value", (before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, navigations);
        await BrowserFixture.SaveScreenshotAsync(oli, "notification-toast-desktop");

        // Still there after signing out and in again: the inbox lists it, unread, worded with luna's name.
        await oli.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await SandboxSignIn.SignInThroughPortalAsync(oli, "Oli Member", "/member");
        await oli.GotoAsync("/notifications");
        await BrowserFixture.WaitForInteractiveAsync(oli);
        var row = oli.GetByTestId("notification-row").Filter(new() { HasText = "Luna sent you 23 points" }).First;
        await Expect(row).ToHaveAttributeAsync("data-read", "false");
        await Accessibility.AssertNoSeriousViolationsAsync(oli, "notifications");
        await BrowserFixture.SaveScreenshotAsync(oli, "notifications-desktop");

        // Mark all read: the bell goes quiet.
        await oli.GetByTestId("notifications-mark-all").ClickAsync();
        await Expect(oli.GetByTestId("notifications-unread")).ToHaveAttributeAsync("data-value", "0");
        await Expect(oli.GetByTestId("notification-count")).ToHaveAttributeAsync("data-value", "0");
        await BrowserFixture.ResizeToPhoneAsync(oli);
        await PhoneLayout.AssertNoHorizontalOverflowAsync(oli);

        // At 375 px the app bar (title, theme, bell, link chip, sign out) stays on one line: nothing wraps.
        var bar = await oli.Locator("header.mud-appbar").BoundingBoxAsync();
        Assert.True(bar is { Height: <= 64 }, $"the app bar is {bar?.Height} px high at 375 px");
        var signOut = await oli.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).BoundingBoxAsync();
        Assert.True(signOut is { } box && box.X + box.Width <= BrowserFixture.PhoneWidth, $"sign-out is at {signOut?.X}+{signOut?.Width} on a 375 px screen");
        await BrowserFixture.SaveScreenshotAsync(oli, "notifications-375px");
    }

    [Fact]
    public async Task AnExpiringBatch_GetsOneReminder_NotTwoAfterASecondRun()
    {
        // mia's seeded 950-point batch expires within 30 days; her panel, once shown, makes her one of the members
        // the reminder walk asks RRR about.
        await SandboxSignIn.SignInThroughPortalAsync(Page, "Mia Member", "/member");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("points-pending")).ToHaveAttributeAsync("data-value", new Regex(@"^\d+$"));

        // The daily job may have run already (it starts a minute after the portal): the walk adds each batch once either way.
        var first = await RunRemindersAsync();
        var reminders = await ExpiryRemindersAsync();
        var second = await RunRemindersAsync();

        Assert.True(first.GetProperty("members").GetInt32() >= 1, first.ToString());
        Assert.Equal(0, second.GetProperty("reminded").GetInt32());
        Assert.Contains(reminders, r => Regex.IsMatch(r, @"^\d[\d,]* points expire on \d{1,2} \w{3} \d{4}$"));
        Assert.Equal(reminders, await ExpiryRemindersAsync());
        Assert.Equal(reminders.Count, reminders.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>The walk an operator's scheduler would start, with the development internal key.</summary>
    private async Task<JsonElement> RunRemindersAsync()
    {
        var response = await Page.APIRequest.PostAsync(Fixture.BaseUrl + "/internal/notifications/expiry-reminders", new()
        {
            Headers = new Dictionary<string, string> { ["X-Internal-Key"] = "sandbox-internal-key" },
        });
        Assert.True(response.Ok, $"the reminder walk answered {response.Status}");
        return (await response.JsonAsync())!.Value;
    }

    /// <summary>The texts of mia's expiry reminders on her notifications page (the newest page holds them: they were just made).</summary>
    private async Task<List<string>> ExpiryRemindersAsync()
    {
        await Page.GotoAsync("/notifications");
        await WaitForInteractiveAsync();
        var rows = Page.Locator("[data-testid=notification-row][data-kind=points_expiring]");
        await Expect(rows.First).ToBeVisibleAsync();
        var texts = new List<string>();
        foreach (var row in await rows.AllAsync())
        {
            texts.Add(Regex.Match(await row.InnerTextAsync(), @"\d[\d,]* points expire on \d{1,2} \w{3} \d{4}").Value);
        }

        return texts;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
