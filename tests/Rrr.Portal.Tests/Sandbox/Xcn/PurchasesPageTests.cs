using System.Net;
using System.Text.RegularExpressions;
using Rrr.Portal.Tests.Sandbox.Hooks;

namespace Rrr.Portal.Tests.Sandbox.Xcn;

public sealed partial class PurchasesPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PurchasesPage_OffersTheDemoUsersAndProducts_AndSaysWhenThereIsNoPortal()
    {
        await using var sandbox = await RunningSandbox.StartAsync();

        var html = await sandbox.Client.GetStringAsync(new Uri("/purchases", UriKind.Relative), Ct);

        Assert.Contains("xcn_u_1001", html, StringComparison.Ordinal);
        Assert.Contains("value=\"MEMBERSHIP\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"Purchase.Plan\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"yearly\"", html, StringComparison.Ordinal);
        Assert.Contains("__RequestVerificationToken", html, StringComparison.Ordinal);
        Assert.Contains("without a portal URL", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurchaseForm_WithoutTheAntiforgeryToken_IsRefused()
    {
        await using var sandbox = await RunningSandbox.StartAsync();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "purchase",
            ["Purchase.XcnUserId"] = "xcn_u_1001",
            ["Purchase.Product"] = "TOKENS",
            ["Purchase.Amount"] = "10.00",
        });

        var response = await sandbox.Client.PostAsync(new Uri("/purchases", UriKind.Relative), form, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task PurchaseForm_WithTheToken_ButNoPortal_RedirectsWithAnError()
    {
        await using var sandbox = await RunningSandbox.StartAsync();
        var html = await sandbox.Client.GetStringAsync(new Uri("/purchases", UriKind.Relative), Ct);
        var token = TokenPattern().Match(html).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "purchase",
            ["__RequestVerificationToken"] = token,
            ["Purchase.XcnUserId"] = "xcn_u_1001",
            ["Purchase.Product"] = "TOKENS",
            ["Purchase.Amount"] = "0",
        });

        var response = await sandbox.Client.PostAsync(new Uri("/purchases", UriKind.Relative), form, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("failed=true", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
