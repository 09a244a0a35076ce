using System.Net;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Auth;

/// <summary>Where sign-in sends the browser back: only local paths, by the framework's own check.</summary>
public sealed class SignInReturnUrlTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/\u0001/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("evil.example")]
    public async Task AReturnUrlThatCouldLeaveThePortal_IsReplacedByTheHomePage(string returnUrl)
    {
        Assert.Equal("/account/home", await RedirectUriAfterSignInAsync(returnUrl));
    }

    [Theory]
    [InlineData("/member/checkout?x=1")]
    [InlineData("/")]
    [InlineData("/admin/earn")]
    public async Task ALocalReturnUrl_IsKept(string returnUrl)
    {
        Assert.Equal(returnUrl, await RedirectUriAfterSignInAsync(returnUrl));
    }

    /// <summary>The challenge carries the return URL inside the protected OIDC state; read it back from there.</summary>
    private async Task<string?> RedirectUriAfterSignInAsync(string returnUrl)
    {
        using var client = factory.CreateClientAs();

        using var response = await client.GetAsync(new Uri("/account/signin?returnUrl=" + Uri.EscapeDataString(returnUrl), UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var state = QueryHelpers.ParseQuery(response.Headers.Location!.Query)["state"].ToString();
        var options = factory.Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OpenIdConnectDefaults.AuthenticationScheme);
        return options.StateDataFormat.Unprotect(state)?.RedirectUri;
    }
}
