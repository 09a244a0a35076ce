using Microsoft.Playwright;

namespace Rrr.E2E.Infrastructure;

/// <summary>The journeys' check that a page is usable at phone width.</summary>
public static class PhoneLayout
{
    /// <summary>
    /// Nothing makes the page scroll sideways. MudBlazor re-lays out after a resize, so this waits for that
    /// state rather than sleeping; when it never comes, the failure names the elements that stick out.
    /// </summary>
    public static async Task AssertNoHorizontalOverflowAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        try
        {
            await page.WaitForFunctionAsync(
                "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth", null, new() { Timeout = 5_000 });
        }
        catch (TimeoutException)
        {
            var report = await page.EvaluateAsync<string>("""
                () => {
                  const width = document.documentElement.clientWidth;
                  return 'scrollWidth ' + document.documentElement.scrollWidth + ' > ' + width + '\n' +
                    [...document.querySelectorAll('body *')]
                      .filter(e => e.getBoundingClientRect().right > width + 1)
                      .slice(0, 12)
                      .map(e => e.tagName + '.' + e.className + ' right=' + Math.round(e.getBoundingClientRect().right))
                      .join('\n');
                }
                """);
            Assert.Fail("The page scrolls sideways at phone width:\n" + report);
        }
    }
}
