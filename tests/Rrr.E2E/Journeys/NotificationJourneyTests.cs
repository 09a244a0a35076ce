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
        var before = int.Parse(await bell.GetAttributeAsync("data-value") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var navigations = 0;
        oli.FrameNavigated += (_, frame) => navigations += frame == oli.MainFrame ? 1 : 0;

        // luna awards oli 23 points from her live room (this test's own page).
        await SandboxSignIn.SignInThroughPortalAsync(Page, "Luna Model", "/model");
        await Page.GotoAsync("/model/room");
        await WaitForInteractiveAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Award oli" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        // An amount no other journey awards, so oli's inbox row below is this award's.
        await dialog.GetByLabel("Custom amount").FillAsync("23");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await dialog.GetByTestId("award-confirm").ClickAsync();
        await Expect(Page.GetByText("Awarded 23 points to oli.")).ToBeVisibleAsync();

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
        await BrowserFixture.SaveScreenshotAsync(oli, "notifications-375px");
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
