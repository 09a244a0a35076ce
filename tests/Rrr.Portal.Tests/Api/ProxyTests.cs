using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Rrr.Portal.Auth;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Api;

/// <summary>
/// The portal behind XCN's TLS-terminating nginx: forwarded headers from a known proxy make the request https
/// (redirect URIs, HSTS), headers from anyone else are ignored, and outside Development every cookie is Secure.
/// Requests go through <see cref="TestServer.SendAsync"/> so each can come from a chosen client address.
/// </summary>
public sealed class ProxyTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly IPAddress Nginx = IPAddress.Loopback;

    // A documentation address (RFC 5737): no proxy of ours, and no traffic leaves the in-memory test server.
    private static readonly IPAddress Stranger = IPAddress.Parse("203.0.113.7");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebApplicationFactory<Program> Production() => factory.WithWebHostBuilder(b =>
    {
        b.UseEnvironment("Production");
        foreach (var (key, value) in ProductionSettings.Values)
        {
            b.UseSetting(key, value);
        }
    });

    private static Task<HttpContext> GetAsync(
        WebApplicationFactory<Program> portal, string pathAndQuery, IPAddress from, bool forwardedHttps, string? role = null) =>
        portal.Server.SendAsync(c =>
        {
            var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
            c.Request.Method = HttpMethods.Get;
            c.Request.Scheme = "http";
            c.Request.Host = new HostString("127.0.0.1:5080");
            c.Request.Path = query < 0 ? pathAndQuery : pathAndQuery[..query];
            c.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(pathAndQuery[query..]);
            c.Connection.RemoteIpAddress = from;
            if (forwardedHttps)
            {
                c.Request.Headers["X-Forwarded-Proto"] = "https";
                c.Request.Headers["X-Forwarded-Host"] = "portal.example.test";
                c.Request.Headers["X-Forwarded-For"] = "198.51.100.20";
            }

            if (role is not null)
            {
                c.Request.Headers[PortalFactory.RolesHeader] = role;
            }
        }, Ct);

    private static string[] SetCookies(HttpContext context) => [.. context.Response.Headers.SetCookie.Select(v => v ?? "")];

    private static string RedirectUri(HttpContext context)
    {
        var location = new Uri(context.Response.Headers.Location.ToString());
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        return query["redirect_uri"] ?? throw new InvalidOperationException("no redirect_uri in " + location);
    }

    [Fact]
    public async Task Production_ThroughKnownProxyOverHttps_ChallengeRedirectsBackToHttps_AndOidcCookiesAreSecure()
    {
        await using var portal = Production();

        var challenge = await GetAsync(portal, "/account/signin", Nginx, forwardedHttps: true);

        Assert.Equal(StatusCodes.Status302Found, challenge.Response.StatusCode);
        Assert.Equal("https://portal.example.test/signin-oidc", RedirectUri(challenge));
        var cookies = SetCookies(challenge);
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.OpenIdConnect.Nonce.", StringComparison.Ordinal));
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Production_AntiforgeryCookie_IsSecure_AndHstsIsSent_OverForwardedHttps()
    {
        await using var portal = Production();

        var page = await GetAsync(portal, "/member", Nginx, forwardedHttps: true, role: PortalRoles.Member);

        Assert.Equal(StatusCodes.Status200OK, page.Response.StatusCode);
        var antiforgery = Assert.Single(SetCookies(page), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("max-age=", page.Response.Headers.StrictTransportSecurity.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_ForwardedHeadersFromAnUnknownAddress_AreIgnored_ButCookiesStaySecure()
    {
        await using var portal = Production();

        var challenge = await GetAsync(portal, "/account/signin", Stranger, forwardedHttps: true);

        Assert.Equal("http://127.0.0.1:5080/signin-oidc", RedirectUri(challenge));
        Assert.False(challenge.Response.Headers.ContainsKey("Strict-Transport-Security"));
        Assert.Equal(Stranger, challenge.Connection.RemoteIpAddress);
        Assert.All(SetCookies(challenge), c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task KnownProxiesFromConfiguration_ReplaceLoopback()
    {
        await using var portal = Production().WithWebHostBuilder(b => b.UseSetting("ReverseProxy:KnownProxies:0", "10.1.2.3"));

        var fromLoopback = await GetAsync(portal, "/account/signin", Nginx, forwardedHttps: true);
        var fromConfigured = await GetAsync(portal, "/account/signin", IPAddress.Parse("10.1.2.3"), forwardedHttps: true);

        Assert.Equal("http://127.0.0.1:5080/signin-oidc", RedirectUri(fromLoopback));
        Assert.Equal("https://portal.example.test/signin-oidc", RedirectUri(fromConfigured));
        Assert.Equal(IPAddress.Parse("198.51.100.20"), fromConfigured.Connection.RemoteIpAddress);
    }

    [Fact]
    public async Task Development_CookiesFollowTheRequestScheme()
    {
        var plain = await GetAsync(factory, "/account/signin", Nginx, forwardedHttps: false);

        Assert.Equal("http://127.0.0.1:5080/signin-oidc", RedirectUri(plain));
        Assert.NotEmpty(SetCookies(plain));
        Assert.All(SetCookies(plain), c => Assert.DoesNotContain("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task SignOut_DeletesTheAuthCookie(string environment)
    {
        await using var portal = environment == "Production" ? Production() : factory.WithWebHostBuilder(_ => { });
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        client.DefaultRequestHeaders.Add(PortalFactory.RolesHeader, PortalRoles.Member);
        var html = await client.GetStringAsync(new Uri("/member", UriKind.Relative), Ct);
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"");
        Assert.True(token.Success, "no antiforgery token on /member");
        using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))]);

        using var response = await client.PostAsync(new Uri("/account/signout", UriKind.Relative), form, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        Assert.Contains(cookies, c => c.StartsWith(AuthSetup.CookieName + "=;", StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Found by the production rehearsal: after sign-out the closing page's <c>sendBeacon("_blazor/disconnect")</c> went
    /// out without the auth cookie, was challenged with a redirect to the identity provider, followed it while the
    /// provider's session was still open, and came back through /signin-oidc with a fresh auth cookie: signed in again.
    /// The circuit's endpoints are not navigations, so they get a 401 like the API (which the status-code page turns into
    /// a 400 for a POST; either way a refusal, never a redirect).
    /// </summary>
    [Theory]
    [InlineData("POST", "/_blazor/disconnect")]
    [InlineData("POST", "/_blazor/negotiate?negotiateVersion=1")]
    public async Task AnonymousCircuitRequests_AreRefused_NotRedirectedToTheIdentityProvider(string method, string path)
    {
        using var client = factory.CreateClientAs();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)), Ct);

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public void ABadProxyAddress_RefusesToStart_NamingTheSetting()
    {
        var message = StartupFailure.Of("Development", ("ReverseProxy:KnownNetworks:0", "10.0.0.0/99"));

        Assert.Contains("ReverseProxy:KnownNetworks:0", message, StringComparison.Ordinal);
    }
}
