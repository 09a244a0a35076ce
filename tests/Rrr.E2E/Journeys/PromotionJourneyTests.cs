using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// Multi-signature promotions end to end: ada makes a promotion (the form shows its rules first) and submits it;
/// she has no approve button on her own promotion; grace approves and then cannot approve again; hugo approves
/// and the page still waits for RRR (a client that skips the portal is refused by RRR for the maker and for
/// a repeat approval); rita approves in the sandbox console, and ada's open page turns ACTIVE
/// without a reload.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class PromotionJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    private const float RrrTimeoutMs = 60_000;
    private readonly string _name = "E2E promo " + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    protected override float? PageTimeoutMs => 60_000;

    [Fact]
    public async Task Promotion_NeedsTwoOtherXcnAdminsAndRita_AndTurnsActiveLive()
    {
        // Ada, the maker: a refused empty form first, with a message under each field.
        await SandboxSignIn.SignInThroughPortalAsync(Page, "Ada Admin", "/admin");
        await Page.GotoAsync("/admin/promotions/new");
        await WaitForInteractiveAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create draft" }).ClickAsync();
        await Expect(Page.GetByText("Enter a name.")).ToBeVisibleAsync();
        await Expect(Page.GetByText("Enter a budget cap.")).ToBeVisibleAsync();
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("ab");
        await Page.GetByLabel("Name", new() { Exact = true }).BlurAsync();
        await Expect(Page.GetByText("A name has 3 to 80 characters.")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(Page, Page.Url);
        await BrowserFixture.SaveScreenshotAsync(Page, "promotions-form-errors-desktop");
        await Page.SetViewportSizeAsync(375, 812);
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);
        await BrowserFixture.SaveScreenshotAsync(Page, "promotions-form-errors-375px");
        await Page.SetViewportSizeAsync(1280, 800);

        // What she typed stays; she completes the form.
        await Expect(Page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("ab");
        await FillFormAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create draft" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(PromotionUrl(), new() { Timeout = RrrTimeoutMs });
        var detailUrl = Page.Url;
        await WaitForInteractiveAsync();
        await ExpectStatusAsync(Page, "DRAFT");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit for approval" }).ClickAsync();
        await ExpectStatusAsync(Page, "PENDING_APPROVAL");
        await Expect(Progress(Page)).ToHaveTextAsync("XCN 0/2 · RRR 0/1");

        // The maker cannot approve: no buttons, and the page says why (the server refuses anyway; see the service tests).
        await Expect(Page.GetByTestId("decision-note")).ToContainTextAsync("You created this promotion");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToHaveCountAsync(0);
        var navigations = 0;
        Page.FrameNavigated += (_, frame) => navigations += frame == Page.MainFrame ? 1 : 0;

        // Grace approves once; a second approval is not offered.
        var grace = await AdminPageAsync("Grace Admin", detailUrl);
        await ApproveAsync(grace);
        await Expect(Progress(grace)).ToHaveTextAsync("XCN 1/2 · RRR 0/1", new() { Timeout = RrrTimeoutMs });
        await Expect(grace.GetByTestId("decision-note")).ToContainTextAsync("a person counts once");
        await Expect(grace.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToHaveCountAsync(0);

        // A client that skips the portal is refused by RRR too: the maker, and grace a second time.
        var promotionId = new Uri(detailUrl).Segments[^1];
        await ExpectRrrRefusalAsync(promotionId, "xcn_u_9001", 422, "approval_not_allowed");
        await ExpectRrrRefusalAsync(promotionId, "xcn_u_9002", 409, "already_decided");
        await Expect(Progress(Page)).ToHaveTextAsync("XCN 1/2 · RRR 0/1", new() { Timeout = RrrTimeoutMs });

        // Hugo is the second distinct XCN admin; RRR's own admin is still to decide.
        var hugo = await AdminPageAsync("Hugo Admin", detailUrl);
        await ApproveAsync(hugo);
        await Expect(Progress(hugo)).ToHaveTextAsync("XCN 2/2 · RRR 0/1", new() { Timeout = RrrTimeoutMs });
        await ExpectStatusAsync(hugo, "PENDING_APPROVAL");
        await Expect(hugo.GetByTestId("rrr-step")).ToContainTextAsync("pending at RRR");
        await Expect(Progress(Page)).ToHaveTextAsync("XCN 2/2 · RRR 0/1", new() { Timeout = RrrTimeoutMs });
        await Accessibility.AssertNoSeriousViolationsAsync(Page, Page.Url);
        await BrowserFixture.SaveScreenshotAsync(Page, "promotions-detail-pending-desktop");

        // Rita decides in the sandbox console.
        var rita = await (await Browser.NewContextAsync()).NewPageAsync();
        await rita.GotoAsync(Fixture.SandboxUrl + "/console");
        await SandboxSignIn.ChooseAccountAsync(rita, "Rita RRR-Admin");
        await Expect(rita).ToHaveURLAsync(Fixture.SandboxUrl + "/console");
        await rita.GetByRole(AriaRole.Button, new() { Name = "Approve " + _name, Exact = true }).ClickAsync();
        await Expect(rita.GetByRole(AriaRole.Status)).ToContainTextAsync("Decision recorded");

        // Ada's page was never reloaded: the webhook brings ACTIVE in.
        await ExpectStatusAsync(Page, "ACTIVE");
        await Expect(Progress(Page)).ToHaveTextAsync("XCN 2/2 · RRR 1/1");
        Assert.Equal(0, navigations);
        await BrowserFixture.SaveScreenshotAsync(Page, "promotions-detail-active-desktop");

        // On a phone (loaded afresh, as a phone would: the layout picks its drawer mode at start).
        await Page.SetViewportSizeAsync(375, 812);
        await Page.ReloadAsync();
        await WaitForInteractiveAsync();
        await ExpectStatusAsync(Page, "ACTIVE");
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);
        await BrowserFixture.SaveScreenshotAsync(Page, "promotions-detail-375px");

        // The list filters at RRR: the promotion is under Active, not under Draft.
        await Page.SetViewportSizeAsync(1280, 800);
        await Page.GotoAsync("/admin/promotions");
        await WaitForInteractiveAsync();
        await Expect(Row(Page)).ToBeVisibleAsync(new() { Timeout = RrrTimeoutMs });
        await Page.GetByTestId("status-filter").GetByText("Draft", new() { Exact = true }).ClickAsync();
        await Expect(Row(Page)).ToHaveCountAsync(0, new() { Timeout = RrrTimeoutMs });
        await Page.GetByTestId("status-filter").GetByText("Active", new() { Exact = true }).ClickAsync();
        await Expect(Row(Page).GetByTestId("promotion-status")).ToHaveAttributeAsync("data-status", "ACTIVE", new() { Timeout = RrrTimeoutMs });
        await Expect(Row(Page).GetByTestId("promotion-progress")).ToHaveTextAsync("XCN 2/2 · RRR 1/1");
        await Accessibility.AssertNoSeriousViolationsAsync(Page, Page.Url);
        await BrowserFixture.SaveScreenshotAsync(Page, "promotions-list-desktop");
        await Page.SetViewportSizeAsync(375, 812);
        await Page.ReloadAsync();
        await WaitForInteractiveAsync();
        await Expect(Row(Page)).ToBeVisibleAsync(new() { Timeout = RrrTimeoutMs });
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);
        await BrowserFixture.SaveScreenshotAsync(Page, "promotions-list-375px");
    }

    private async Task FillFormAsync()
    {
        var starts = TimeProvider.System.GetUtcNow().UtcDateTime.Date.AddDays(1).AddHours(9);
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync(_name);
        await Page.GetByLabel("Kind", new() { Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "Points multiplier" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Option, new() { Name = "Points multiplier" })).ToBeHiddenAsync();
        await Page.GetByLabel("Value", new() { Exact = true }).FillAsync("2");
        await Page.GetByLabel("Starts (UTC)", new() { Exact = true }).FillAsync(starts.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await Page.GetByLabel("Ends (UTC)", new() { Exact = true }).FillAsync(starts.AddDays(14).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await Page.GetByLabel("Audience", new() { Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "All members" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Option, new() { Name = "All members" })).ToBeHiddenAsync();
        await Page.GetByLabel("Budget cap (points)", new() { Exact = true }).FillAsync("50000");
        await Page.GetByLabel("Budget cap (points)", new() { Exact = true }).BlurAsync();
        await Expect(Page.GetByText("A name has 3 to 80 characters.")).ToHaveCountAsync(0);
    }

    private async Task ExpectRrrRefusalAsync(string promotionId, string approverId, int status, string code)
    {
        using var rrr = SandboxWallets.CreateRrrClient(Fixture.SandboxUrl, "e2e-promotion-bypass");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/promotions/{promotionId}/approvals")
        {
            Content = JsonContent.Create(new { approver_id = approverId, approver_role = "XCN_ADMIN", decision = "APPROVE" }),
        };
        request.Headers.Add("Idempotency-Key", $"e2e-bypass-{promotionId}-{approverId}-{Guid.NewGuid():N}");
        using var response = await rrr.SendAsync(request, TestContext.Current.CancellationToken);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, problem.GetProperty("code").GetString());
    }

    private static async Task ApproveAsync(IPage page)
    {
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true });
        await Expect(button).ToBeEnabledAsync(new() { Timeout = RrrTimeoutMs });
        await button.ClickAsync();
        await Expect(button).ToHaveCountAsync(0, new() { Timeout = RrrTimeoutMs });
    }

    private async Task<IPage> AdminPageAsync(string displayName, string url)
    {
        var page = await (await Browser.NewContextAsync(Fixture.BaseUrl)).NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await SandboxSignIn.SignInThroughPortalAsync(page, displayName, "/admin");
        await page.GotoAsync(url);
        await BrowserFixture.WaitForInteractiveAsync(page);
        return page;
    }

    private ILocator Row(IPage page) => page.Locator("tr").Filter(new() { HasText = _name });

    private static ILocator Progress(IPage page) => page.GetByTestId("promotion-progress");

    private static Task ExpectStatusAsync(IPage page, string status) =>
        Expect(page.GetByTestId("promotion-status")).ToHaveAttributeAsync("data-status", status, new() { Timeout = RrrTimeoutMs });

    private static Regex PromotionUrl() => PromotionUrlPattern();

    [GeneratedRegex("/admin/promotions/promo_[A-Za-z0-9_]+$")]
    private static partial Regex PromotionUrlPattern();

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
