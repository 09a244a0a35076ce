using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// Ada requests a 50-point adjustment, finds it in the approvals queue (kind, subject, maker, policy, progress,
/// link to the adjustments page) and runs the approval chain check: intact. Grace then rejects the request, so
/// nothing is left pending and no points move.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class ApprovalsQueueJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    private readonly string _ticket = "E2E-APQ-" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

    [Fact]
    public async Task Ada_SeesHerPendingRequestInTheQueue_AndTheChainIsIntact()
    {
        Page.SetDefaultTimeout(60_000);
        await SandboxSignIn.SignInThroughPortalAsync(Page, "Ada Admin", "/admin");
        var before = await QueueIdsAsync();

        await Page.GotoAsync("/admin/adjustments");
        await WaitForInteractiveAsync();
        await RequestFiftyPointsAsync();

        var after = await QueueIdsAsync();
        var mine = Assert.Single(after.Except(before));
        var row = await FindRowAsync(mine);
        await Expect(row.GetByTestId("queue-kind")).ToHaveTextAsync("Adjustment");
        await Expect(row.GetByTestId("queue-subject")).ToHaveTextAsync("xcn_u_1001");
        await Expect(row).ToContainTextAsync("xcn_u_9001");
        await Expect(row).ToContainTextAsync("1 XCN admin");
        await Expect(row.GetByTestId("queue-progress")).ToHaveTextAsync("0 of 1 XCN");
        await Expect(row.GetByTestId("queue-open")).ToHaveAttributeAsync("href", "admin/adjustments?request=" + Uri.EscapeDataString(mine));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Check approval chain" }).ClickAsync();
        await Expect(Page.GetByTestId("chain-result")).ToContainTextAsync(new Regex(@"^\s*Chain intact: [\d,]+ records? verified\.\s*$"));
        await Accessibility.AssertNoSeriousViolationsAsync(Page, "/admin/approvals");
        await SaveScreenshotAsync("admin-approvals-desktop");

        await Page.SetViewportSizeAsync(375, 812);
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page, "/admin/approvals (375 px)");
        await SaveScreenshotAsync("admin-approvals-375px");

        // Leave nothing pending: grace rejects it (no RRR call, no points move). First, her inbox told her it waits.
        var adaBell = Page.GetByTestId("notification-count");
        await Expect(adaBell).ToHaveAttributeAsync("data-counted", "true");
        var adaUnread = int.Parse(await adaBell.GetAttributeAsync("data-value") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var grace = await (await Browser.NewContextAsync(Fixture.BaseUrl)).NewPageAsync();
        grace.SetDefaultTimeout(60_000);
        await SandboxSignIn.SignInThroughPortalAsync(grace, "Grace Admin", "/admin");
        await grace.GotoAsync("/notifications");
        await BrowserFixture.WaitForInteractiveAsync(grace);
        var waiting = grace.Locator("[data-testid=notification-row][data-kind=approval_waiting]").First;
        await Expect(waiting).ToContainTextAsync("An adjustment request waits for your approval");
        await Expect(waiting.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", "admin/approvals");
        // She follows the queue's deep link: the adjustments page shows that request and nothing else.
        await grace.GotoAsync("/admin/adjustments?request=" + Uri.EscapeDataString(mine));
        await BrowserFixture.WaitForInteractiveAsync(grace);
        await Expect(grace.GetByTestId("one-request")).ToBeVisibleAsync();
        await Expect(grace.GetByTestId("adjustment-status")).ToHaveCountAsync(1);
        var label = $"+50 points for xcn_u_1001 ({_ticket})";
        await grace.GetByRole(AriaRole.Button, new() { Name = "Reject " + label, Exact = true }).ClickAsync();
        await grace.GetByLabel("Reason to reject " + label).FillAsync("E2E clean-up");
        await grace.GetByRole(AriaRole.Button, new() { Name = "Confirm reject " + label }).ClickAsync();
        await Expect(grace.Locator("tr").Filter(new() { HasText = _ticket }).GetByTestId("adjustment-status"))
            .ToHaveAttributeAsync("data-status", "REJECTED");

        // Ada, the maker, hears the decision on the page she has open: a toast and her bell, no reload.
        await Expect(Page.GetByText("Your adjustment request was rejected")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(adaBell).ToHaveAttributeAsync("data-value", (adaUnread + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(mine, await QueueIdsAsync());
    }

    private async Task RequestFiftyPointsAsync()
    {
        await Page.GetByLabel("Member XCN user id").FillAsync("xcn_u_1001");
        await Page.GetByLabel("Points (negative to debit)").FillAsync("50");
        await Page.GetByLabel("Ticket id").FillAsync(_ticket);
        await Page.GetByLabel("Reason", new() { Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "Goodwill" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Option, new() { Name = "Goodwill" })).ToBeHiddenAsync();
        await Expect(Page.GetByTestId("adjustment-policy")).ToContainTextAsync("50 points needs 1 XCN admin.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Request adjustment" }).ClickAsync();
        await Expect(Page.Locator("tr").Filter(new() { HasText = _ticket })).ToBeVisibleAsync();
    }

    /// <summary>Every request id in the queue, page by page (other journeys may have left some waiting).</summary>
    private async Task<HashSet<string>> QueueIdsAsync()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await Page.GotoAsync("/admin/approvals");
        await WaitForInteractiveAsync();
        while (true)
        {
            await Expect(Page.GetByTestId("approvals-queue").Locator("[data-testid=queue-kind], [data-testid=queue-empty]").First).ToBeVisibleAsync();
            foreach (var cell in await Page.GetByTestId("queue-kind").AllAsync())
            {
                ids.Add(await cell.GetAttributeAsync("data-request-id") ?? "");
            }

            var next = Page.GetByTestId("queue-next");
            if (await next.CountAsync() == 0)
            {
                return ids;
            }

            await Page.GotoAsync("/" + await next.GetAttributeAsync("href"));
            await WaitForInteractiveAsync();
        }
    }

    private async Task<ILocator> FindRowAsync(string requestId)
    {
        await Page.GotoAsync("/admin/approvals");
        await WaitForInteractiveAsync();
        while (true)
        {
            var row = Page.Locator("tr").Filter(new() { Has = Page.Locator($"[data-request-id='{requestId}']") });
            if (await row.CountAsync() == 1)
            {
                return row;
            }

            await Page.GotoAsync("/" + await Page.GetByTestId("queue-next").GetAttributeAsync("href"));
            await WaitForInteractiveAsync();
        }
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
