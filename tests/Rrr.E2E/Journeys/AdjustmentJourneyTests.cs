using System.Globalization;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// Maker-checker adjustments end to end: ada requests 50, 300 and 800 points for mia; she cannot approve her
/// own; grace (and hugo, for the two-person amounts) approve; 800 then waits for RRR, rita approves it in the
/// sandbox console, and ada's open page shows it posted without a reload. Mia's RRR balance moves by exactly
/// the posted amounts. Ada edits a pending request: its approvals reset and the new amount's policy applies.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class AdjustmentJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    private const float RrrTimeoutMs = 60_000;
    private readonly string _run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

    protected override float? PageTimeoutMs => 60_000;

    [Fact]
    public async Task Adjustments_Of50_300_800_FollowTheirThresholds_AndRitasApprovalShowsLive()
    {
        var before = (await Fixture.SandboxWalletAsync("rrr_m_1001")).Available;

        // Ada, the maker.
        await SignInAsync(Page, "Ada Admin");
        await Page.GotoAsync("/admin/adjustments");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Adjustments", Level = 1 })).ToBeVisibleAsync();

        await RequestAsync(50, "50 points needs 1 XCN admin.");
        await RequestAsync(300, "300 points needs 2 distinct XCN admins.");
        await RequestAsync(800, "800 points needs 2 distinct XCN admins + 1 RRR admin.");

        // The maker has no approve button on her own requests, just the note.
        foreach (var points in new[] { 50, 300, 800 })
        {
            await Expect(Row(Page, points).GetByTestId("maker-note")).ToBeVisibleAsync();
            await Expect(Row(Page, points).GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = false })).ToHaveCountAsync(0);
            await Expect(Row(Page, points).GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "PENDING");
        }

        await AssertNoSeriousAxeViolationsAsync(Page);
        await SaveScreenshotAsync("adjustments-maker-desktop");
        var navigations = 0;
        Page.FrameNavigated += (_, frame) => navigations += frame == Page.MainFrame ? 1 : 0;

        // Grace approves all three: 50 posts; 300 and 800 need one more distinct admin.
        var grace = await AdminPageAsync("Grace Admin");
        await ApproveAsync(grace, 50);
        await Expect(Row(grace, 50).GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "POSTED", new() { Timeout = RrrTimeoutMs });
        await ApproveAsync(grace, 300);
        await Expect(Row(grace, 300).GetByTestId("adjustment-progress")).ToHaveTextAsync("1 of 2 XCN approvals");
        await Expect(Row(grace, 300).GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "PENDING");
        await ApproveAsync(grace, 800);
        await Expect(Row(grace, 800).GetByTestId("adjustment-progress")).ToHaveTextAsync("1 of 2 XCN approvals · RRR approval needed");
        await Expect(Row(grace, 800).GetByText("You approved; waiting for another admin.")).ToBeVisibleAsync();
        await SaveScreenshotAsync(grace, "adjustments-checker-desktop");

        // Hugo is the second distinct admin: 300 posts, 800 goes to RRR for its own admin.
        var hugo = await AdminPageAsync("Hugo Admin");
        await ApproveAsync(hugo, 300);
        await Expect(Row(hugo, 300).GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "POSTED", new() { Timeout = RrrTimeoutMs });
        await ApproveAsync(hugo, 800);
        await Expect(Row(hugo, 800).GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "PENDING_RRR_APPROVAL", new() { Timeout = RrrTimeoutMs });
        await Expect(Row(Page, 800).GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "PENDING_RRR_APPROVAL", new() { Timeout = RrrTimeoutMs });
        await SaveScreenshotAsync("adjustments-pending-rrr-desktop");

        // Rita decides in the sandbox console.
        var rita = await (await Browser.NewContextAsync()).NewPageAsync();
        await rita.GotoAsync(Fixture.SandboxUrl + "/console");
        await SandboxSignIn.ChooseAccountAsync(rita, "Rita RRR-Admin");
        await Expect(rita).ToHaveURLAsync(Fixture.SandboxUrl + "/console");
        var item = rita.Locator(".item").Filter(new() { HasText = Ticket(800) });
        await item.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = false }).ClickAsync();
        await Expect(rita.GetByRole(AriaRole.Status)).ToContainTextAsync("Decision recorded");

        // Ada's page was never reloaded: the webhook brings POSTED in.
        await Expect(Row(Page, 800).GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "POSTED", new() { Timeout = RrrTimeoutMs });
        await Expect(Row(Page, 800).GetByTestId("adjustment-progress")).ToHaveTextAsync("2 of 2 XCN approvals · RRR approved");
        Assert.Equal(0, navigations);
        await SaveScreenshotAsync("adjustments-posted-live-desktop");

        Assert.Equal(before + 50 + 300 + 800, (await Fixture.SandboxWalletAsync("rrr_m_1001")).Available);

        await BrowserFixture.ResizeToPhoneAsync(Page);
        await Expect(Row(Page, 800)).ToBeVisibleAsync();
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);
        await SaveScreenshotAsync("adjustments-375px");

        // Leave mia's balance as it was: a debit of what was credited, through the same maker-checker path.
        await RequestAsync(-1150, "1,150 points needs 2 distinct XCN admins + 1 RRR admin.");
        await ApproveAsync(grace, -1150);
        await ApproveAsync(hugo, -1150);
        await Expect(Row(hugo, -1150).GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "PENDING_RRR_APPROVAL", new() { Timeout = RrrTimeoutMs });
        await rita.ReloadAsync();
        await rita.Locator(".item").Filter(new() { HasText = Ticket(-1150) }).GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = false }).ClickAsync();
        await Expect(Row(Page, -1150).GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "POSTED", new() { Timeout = RrrTimeoutMs });
        Assert.Equal(before, (await Fixture.SandboxWalletAsync("rrr_m_1001")).Available);
    }

    [Fact]
    public async Task EditingAPendingRequest_ResetsItsApprovals_AndPostsTheEditedAmountUnderTheNewPolicy()
    {
        var before = (await Fixture.SandboxWalletAsync("rrr_m_1001")).Available;
        var ticket = $"E2E-{_run}-EDIT";
        await SignInAsync(Page, "Ada Admin");
        await Page.GotoAsync("/admin/adjustments");
        await WaitForInteractiveAsync();
        await RequestAsync(50, "50 points needs 1 XCN admin.", ticket);

        // Grace sees the request but leaves it; she has no Edit button on someone else's request.
        var grace = await AdminPageAsync("Grace Admin");
        await Expect(Row(grace, ticket).GetByRole(AriaRole.Button, new() { Name = $"Approve {RowLabel(50, ticket)}" })).ToBeEnabledAsync();
        await Expect(Row(grace, ticket).GetByTestId("adjustment-edit")).ToHaveCountAsync(0);

        // Ada opens the edit dialog: the request form, filled in.
        var edit = Page.GetByRole(AriaRole.Button, new() { Name = $"Edit {RowLabel(50, ticket)}" });
        await edit.ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByLabel("Points (negative to debit)")).ToHaveValueAsync("50");
        await Expect(dialog.GetByLabel("Ticket id")).ToHaveValueAsync(ticket);
        await Expect(dialog.GetByLabel("Member XCN user id")).ToHaveValueAsync("xcn_u_1001");
        await Expect(dialog.GetByTestId("adjustment-policy")).ToContainTextAsync("50 points needs 1 XCN admin.");
        await AssertNoSeriousAxeViolationsAsync(Page);
        await SaveScreenshotAsync("adjustment-edit-dialog-desktop");

        // A bad value is refused at its field, and what was typed stays.
        await dialog.GetByLabel("Ticket id").FillAsync("no spaces");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(dialog.GetByTestId("field-ticket")).ToContainTextAsync("A ticket id has letters");
        await Expect(dialog.GetByLabel("Ticket id")).ToHaveValueAsync("no spaces");
        await dialog.GetByLabel("Ticket id").FillAsync(ticket);

        // On a phone: the same dialog, and the policy follows the points as they are typed.
        await Page.SetViewportSizeAsync(375, 812);
        await dialog.GetByLabel("Points (negative to debit)").FillAsync("300");
        await Expect(dialog.GetByTestId("adjustment-policy")).ToContainTextAsync("300 points needs 2 distinct XCN admins.");
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);
        await AssertNoSeriousAxeViolationsAsync(Page);
        await SaveScreenshotAsync("adjustment-edit-dialog-375px");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(Page.Locator(".mud-snackbar").Filter(new() { HasText = "Approvals were reset" })).ToBeVisibleAsync();
        await Expect(Row(Page, ticket).GetByTestId("adjustment-needs")).ToContainTextAsync("2 distinct XCN admins");
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);
        await SaveScreenshotAsync("adjustment-edited-375px");
        await Page.SetViewportSizeAsync(1280, 800);

        // The row: +300, approvals back to none, the new policy; the edit is in its history.
        var row = Row(Page, ticket);
        await Expect(row).ToContainTextAsync("+300");
        await Expect(row.GetByTestId("adjustment-progress")).ToHaveTextAsync("0 of 2 XCN approvals");
        await Expect(row.GetByTestId("adjustment-needs")).ToContainTextAsync("2 distinct XCN admins");
        await row.GetByTestId("adjustment-history-toggle").ClickAsync();
        await Expect(row.GetByTestId("adjustment-history").Locator("li[data-action=EDITED]")).ToContainTextAsync("edited by you: version 2");
        await SaveScreenshotAsync("adjustment-edited-desktop");

        // Grace's open page shows the new version live; still no Edit for her. Grace and hugo approve: posted.
        await Expect(Row(grace, ticket).GetByTestId("adjustment-needs")).ToContainTextAsync("2 distinct XCN admins");
        await Expect(Row(grace, ticket).GetByTestId("adjustment-edit")).ToHaveCountAsync(0);
        await ApproveAsync(grace, 300, ticket);
        await Expect(Row(grace, ticket).GetByTestId("adjustment-progress")).ToHaveTextAsync("1 of 2 XCN approvals");
        var hugo = await AdminPageAsync("Hugo Admin");
        await ApproveAsync(hugo, 300, ticket);
        await Expect(Row(Page, ticket).GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "POSTED", new() { Timeout = RrrTimeoutMs });
        Assert.Equal(before + 300, (await Fixture.SandboxWalletAsync("rrr_m_1001")).Available);

        // Leave mia's balance as it was, through the same maker-checker path.
        var undo = $"E2E-{_run}-UNDO";
        await RequestAsync(-300, "300 points needs 2 distinct XCN admins.", undo);
        await ApproveAsync(grace, -300, undo);
        await ApproveAsync(hugo, -300, undo);
        await Expect(Row(Page, undo).GetByTestId("adjustment-status")).ToHaveAttributeAsync("data-status", "POSTED", new() { Timeout = RrrTimeoutMs });
        Assert.Equal(before, (await Fixture.SandboxWalletAsync("rrr_m_1001")).Available);
    }

    private string Ticket(long points) => $"E2E-{_run}-{points.ToString(CultureInfo.InvariantCulture).Replace("-", "D", StringComparison.Ordinal)}";

    private ILocator Row(IPage page, long points) => Row(page, Ticket(points));

    private static ILocator Row(IPage page, string ticket) => page.Locator("tr").Filter(new() { HasText = ticket });

    private Task RequestAsync(long points, string policy) => RequestAsync(points, policy, Ticket(points));

    private async Task RequestAsync(long points, string policy, string ticket)
    {
        var amount = points.ToString(CultureInfo.InvariantCulture);
        await Page.GetByLabel("Member XCN user id").FillAsync("xcn_u_1001");
        await Page.GetByLabel("Points (negative to debit)").FillAsync(amount);
        await Page.GetByLabel("Ticket id").FillAsync(ticket);
        await Page.GetByLabel("Reason", new() { Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "Goodwill" }).ClickAsync();
        // The list closes once the circuit has taken the choice; a submit before that can still see no reason.
        await Expect(Page.GetByRole(AriaRole.Option, new() { Name = "Goodwill" })).ToBeHiddenAsync();

        // The policy is on screen before anything is submitted.
        await Expect(Page.GetByTestId("adjustment-policy")).ToContainTextAsync(policy);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Request adjustment" }).ClickAsync();
        await Expect(Row(Page, ticket)).ToBeVisibleAsync(new() { Timeout = RrrTimeoutMs });

        // The form starts afresh once the request is stored; typing before that would land in the old form.
        await Expect(Page.GetByLabel("Points (negative to debit)")).ToHaveValueAsync("0");
        await Expect(Page.GetByLabel("Ticket id")).ToHaveValueAsync("");
    }

    private Task ApproveAsync(IPage page, long points) => ApproveAsync(page, points, Ticket(points));

    private static async Task ApproveAsync(IPage page, long points, string ticket)
    {
        // Rows keep their identity across live reloads (the other admins' decisions re-render the table), so one click is taken.
        var button = page.GetByRole(AriaRole.Button, new() { Name = $"Approve {RowLabel(points, ticket)}" });
        await Expect(button).ToBeEnabledAsync(new() { Timeout = RrrTimeoutMs });
        await button.ClickAsync();
        await Expect(button).ToHaveCountAsync(0, new() { Timeout = RrrTimeoutMs });
    }

    private static string RowLabel(long points, string ticket) =>
        $"{points.ToString("+#,0;-#,0", CultureInfo.InvariantCulture)} points for xcn_u_1001 ({ticket})";

    private async Task<IPage> AdminPageAsync(string displayName)
    {
        var page = await (await Browser.NewContextAsync(Fixture.BaseUrl)).NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await SignInAsync(page, displayName);
        await page.GotoAsync("/admin/adjustments");
        await BrowserFixture.WaitForInteractiveAsync(page);
        return page;
    }

    private static async Task SignInAsync(IPage page, string displayName)
    {
        await SandboxSignIn.SignInThroughPortalAsync(page, displayName, "/admin");
    }

    private static async Task SaveScreenshotAsync(IPage page, string name) => await BrowserFixture.SaveScreenshotAsync(page, name);

    private static Task AssertNoSeriousAxeViolationsAsync(IPage page) =>
        Accessibility.AssertNoSeriousViolationsAsync(page, page.Url);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
