using Microsoft.Playwright;

namespace Rrr.E2E.Infrastructure;

/// <summary>
/// Picks a demo account on the sandbox sign-in page. Under heavy load the sandbox has been seen, rarely,
/// to answer the account form with an empty 400 (cause not found yet; suspected antiforgery). That is a
/// defect of the development identity provider (issue 13 tracks the cause), so it is written to the test output
/// with the URL and retried on a freshly loaded form, up to twice; a third 400 fails the test.
/// </summary>
public static class SandboxSignIn
{
    /// <summary>The whole sign-in a person does: portal landing → "Sign in" → sandbox account → the role's home page.</summary>
    public static async Task SignInThroughPortalAsync(IPage page, string displayName, string landingPath)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"), new() { Timeout = 60_000 });
        await ChooseAccountAsync(page, displayName);
        await Assertions.Expect(page).ToHaveURLAsync(
            new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(landingPath) + "$"), new() { Timeout = 60_000 });
    }

    public static async Task ChooseAccountAsync(IPage page, string displayName)
    {
        ArgumentNullException.ThrowIfNull(page);
        // The form's own address: after a 400 the tab shows chromium's error page, where history calls
        // (GoBack) fail with "Not attached to an active page", so a retry loads the form again by URL.
        var formUrl = page.Url;
        for (var attempt = 1; ; attempt++)
        {
            var response = await page.RunAndWaitForResponseAsync(
                () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in as " + displayName }).ClickAsync(),
                r => r.Url.Contains("/account/choose", StringComparison.Ordinal) && r.Request.Method == "POST");
            if (response.Status != 400 || attempt == 3)
            {
                return;
            }

            TestContext.Current.SendDiagnosticMessage(
                $"[sign-in] the sandbox answered 400 to the account form ({response.Url}); loading the form again (attempt {attempt + 1})");
            await page.GotoAsync(formUrl);
        }
    }
}
