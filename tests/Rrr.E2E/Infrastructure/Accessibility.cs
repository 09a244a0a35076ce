using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Rrr.E2E.Infrastructure;

/// <summary>One axe check for every journey: no serious or critical violation on the page as it stands.</summary>
public static class Accessibility
{
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string where)
    {
        // A snackbar fading in or out has blended colours for a moment, and axe reads that as a contrast failure
        // of text that is fine once settled; wait until every one is fully shown or gone.
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('.mud-snackbar')].every(s => getComputedStyle(s).opacity === '1')");
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe on {where}:\n" + string.Join("\n", serious.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Select(n => n.Html))}")));
    }
}
