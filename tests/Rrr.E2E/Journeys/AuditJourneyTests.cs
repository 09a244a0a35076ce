using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>Ada opens the audit trail: it renders, passes axe, fits a phone, and its CSV export downloads for her session.</summary>
[Collection(PortalCollection.Name)]
public sealed class AuditJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    [Fact]
    public async Task Ada_OpensTheAuditTrail_AndExportsCsv()
    {
        Page.SetDefaultTimeout(60_000);
        await SandboxSignIn.SignInThroughPortalAsync(Page, "Ada Admin", "/admin");

        await Page.GotoAsync("/admin/audit");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Audit trail", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("audit-table")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(Page, "/admin/audit");
        await SaveScreenshotAsync("admin-audit-desktop");

        var export = await Page.APIRequest.GetAsync(await Page.GetByTestId("audit-export").GetAttributeAsync("href") ?? "");
        Assert.Equal(200, export.Status);
        Assert.StartsWith("text/csv", export.Headers["content-type"], StringComparison.Ordinal);
        Assert.StartsWith("occurred_at_utc,actor_id,kind", await export.TextAsync(), StringComparison.Ordinal);

        await BrowserFixture.ResizeToPhoneAsync(Page);
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);
        await SaveScreenshotAsync("admin-audit-375px");
    }

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
