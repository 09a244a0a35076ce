using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// Every page of the portal, in English and in Spanish, as the person it is for: axe finds nothing serious,
/// nothing scrolls sideways at 375 px, the page says its language, and its title and headings are not the
/// English ones in Spanish. The list of pages is checked against the @page routes in the source, so a new page
/// without a visit here fails the sweep.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class EveryPageJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    private const string Mia = "Mia Member";
    private const string Luna = "Luna Model";
    private const string Ada = "Ada Admin";

    /// <summary>Each page (route template), who opens it, and how to reach a concrete address.</summary>
    private static readonly (string Route, string? Who)[] Pages =
    [
        ("/", null),
        ("/not-found", null),
        ("/error", null),
        ("/member", Mia),
        ("/member/checkout", Mia),
        ("/member/checkout/{OrderNumber}", Mia),
        ("/member/link", Mia),
        ("/member/rrr/unavailable", Mia),
        ("/notifications", Mia),
        ("/forbidden", Mia),
        ("/no-role", Mia),
        ("/model", Luna),
        ("/model/room", Luna),
        ("/model/awards", Luna),
        ("/admin", Ada),
        ("/admin/adjustments", Ada),
        ("/admin/approvals", Ada),
        ("/admin/audit", Ada),
        ("/admin/earn", Ada),
        ("/admin/promotions", Ada),
        ("/admin/promotions/new", Ada),
        ("/admin/promotions/{PromotionId}", Ada),
    ];

    [Fact]
    public void TheSweep_VisitsEveryPageInTheSource()
    {
        var routes = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", "Rrr.Portal"), "*.razor", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => PageDirective().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(routes, Pages.Select(p => p.Route).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task EveryPage_InEnglishAndSpanish_IsAxeClean_FitsA375pxScreen_AndSpeaksItsLanguage()
    {
        var problems = new List<string>();
        var words = new Dictionary<string, string>[] { [], [] };
        var languages = new[] { ("en-GB", "en"), ("es-ES", "es") };
        for (var i = 0; i < languages.Length; i++)
        {
            var (locale, lang) = languages[i];
            foreach (var who in Pages.Select(p => p.Who).Distinct())
            {
                await using var context = await Fixture.Browser.NewContextAsync(Fixture.BaseUrl, locale);
                var page = await context.NewPageAsync();
                page.SetDefaultTimeout(60_000);
                if (who is not null)
                {
                    await SandboxSignIn.SignInThroughPortalAsync(page, who, who == Mia ? "/member" : who == Luna ? "/model" : "/admin");
                }

                foreach (var (route, _) in Pages.Where(p => p.Who == who))
                {
                    try
                    {
                        words[i][route] = await VisitAsync(page, route, lang);
                    }
                    catch (Exception ex) when (ex is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
                    {
                        problems.Add($"{lang} {route}: {ex.Message}");
                        await BrowserFixture.SaveScreenshotAsync(page, $"sweep-failed-{lang}{route.Replace('/', '-')}");
                    }
                }
            }
        }

        foreach (var (route, english) in words[0])
        {
            if (words[1].TryGetValue(route, out var spanish) && spanish == english)
            {
                problems.Add($"es {route}: the title and headings are the English ones (\"{english}\")");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Opens the page, checks it, and returns its title and headings (to compare across languages).</summary>
    private static async Task<string> VisitAsync(IPage page, string route, string lang)
    {
        await page.SetViewportSizeAsync(1366, 900);
        await page.GotoAsync(await AddressAsync(page, route));
        var interactive = route is not ("/" or "/not-found" or "/error");
        if (interactive)
        {
            await BrowserFixture.WaitForInteractiveAsync(page);
        }

        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", lang);
        await Assertions.Expect(page.Locator("h1").First).ToBeVisibleAsync();

        // Let the page's first data arrive (skeletons, busy regions) before judging it; a page still loading after
        // 15 s is judged as it stands.
        try
        {
            await page.WaitForFunctionAsync("() => !document.querySelector('[aria-busy=true], .mud-skeleton')", null, new() { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
        }
        await Accessibility.AssertNoSeriousViolationsAsync(page, $"{route} ({lang})");
        if (route is "/member" or "/model/room" or "/admin/promotions")
        {
            await BrowserFixture.SaveScreenshotAsync(page, $"l10n-{lang}{route.Replace('/', '-')}");
        }

        await page.SetViewportSizeAsync(BrowserFixture.PhoneWidth, 812);
        await PhoneLayout.AssertNoHorizontalOverflowAsync(page);
        return await page.EvaluateAsync<string>(
            "() => [document.title, ...[...document.querySelectorAll('h1, h2')].map(h => h.innerText.trim())].join(' | ')");
    }

    /// <summary>A concrete address for the route: a fresh order for the order page, the newest promotion for its page.</summary>
    private static async Task<string> AddressAsync(IPage page, string route)
    {
        switch (route)
        {
            case "/member/checkout/{OrderNumber}":
                await page.GotoAsync("/member/checkout");
                await BrowserFixture.WaitForInteractiveAsync(page);
                await page.Locator("[data-testid=pack-taster] button").ClickAsync();
                await Assertions.Expect(page).ToHaveURLAsync(OrderAddress());
                return new Uri(page.Url).AbsolutePath;
            case "/admin/promotions/{PromotionId}":
                await page.GotoAsync("/admin/promotions");
                await BrowserFixture.WaitForInteractiveAsync(page);
                var link = page.Locator("a[href*='admin/promotions/promo_']").First;
                return await link.CountAsync() > 0 ? "/" + (await link.GetAttributeAsync("href"))!.TrimStart('/') : "/admin/promotions/promo_unknown";
            default:
                return route;
        }
    }

    [GeneratedRegex("""^@page "([^"]+)"$""", RegexOptions.Multiline)]
    private static partial Regex PageDirective();

    [GeneratedRegex("/member/checkout/xcn_co_[0-9a-f]{16}$")]
    private static partial Regex OrderAddress();
}
