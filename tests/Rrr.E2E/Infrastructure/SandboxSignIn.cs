using Microsoft.Playwright;

namespace Rrr.E2E.Infrastructure;

/// <summary>Picks a demo account on the sandbox sign-in page, as a person does.</summary>
public static class SandboxSignIn
{
    private static readonly System.Text.RegularExpressions.Regex SignInLink = new("^(Sign in|Iniciar sesión)$");

    /// <summary>The whole sign-in a person does: portal landing → "Sign in" → sandbox account → the role's home page.</summary>
    public static async Task SignInThroughPortalAsync(IPage page, string displayName, string landingPath)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("/");
        // The landing speaks the browser's language: "Sign in" or "Iniciar sesión".
        await page.GetByRole(AriaRole.Link, new() { NameRegex = SignInLink }).First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"), new() { Timeout = 60_000 });
        await ChooseAccountAsync(page, displayName);
        await Assertions.Expect(page).ToHaveURLAsync(
            new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(landingPath) + "$"), new() { Timeout = 60_000 });
    }

    public static async Task ChooseAccountAsync(IPage page, string displayName)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in as " + displayName }).ClickAsync();
    }
}
