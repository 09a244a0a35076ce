using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Sso;
using Rrr.Portal.Auth;
using Rrr.Portal.Tests.Features.Links;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Sso;

/// <summary>
/// Behind nginx the portal itself is reached over plain HTTP; the <c>return_to</c> it hands RRR must still be the
/// browser's https address, taken from the proxy's forwarded headers.
/// </summary>
public sealed partial class SsoBehindProxyTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private readonly FakeLinkFlowApi links = new();
    private readonly FakeSsoApi sso = new();
    private readonly string dataFolder = Directory.CreateTempSubdirectory("rrr-sso-proxy-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReturnTo_IsTheForwardedHttpsAddress()
    {
        links.Link("xcn_u_test", "rrr_m_test");
        await using var portal = factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Store:DataFolder", dataFolder);
            b.UseSetting("FeatureManagement:SsoDeepLink", "true");
            b.UseSetting("FeatureManagement:AccountLinking", "true");
            b.ConfigureTestServices(s =>
            {
                s.AddSingleton<IRrrLinksApi>(links);
                s.AddSingleton<IRrrSsoApi>(sso);
            });
        });
        // Cookies by hand: the forwarded request is https, so its cookies are Secure and a cookie jar would keep them
        // from the plain-HTTP test address.
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add(PortalFactory.RolesHeader, PortalRoles.Member);
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("X-Forwarded-Host", "portal.example.test");
        using var page = await client.GetAsync(new Uri("/member", UriKind.Relative), Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        var token = TokenInput().Match(html);
        Assert.True(token.Success, "no antiforgery token on /member");
        var cookies = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]);
        using var open = new HttpRequestMessage(HttpMethod.Post, new Uri("/member/rrr/open", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))]),
        };
        open.Headers.Add("Cookie", string.Join("; ", cookies));

        using var response = await client.SendAsync(open, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var call = Assert.Single(sso.Calls);
        Assert.Equal("https://portal.example.test/member", call.ReturnTo!.AbsoluteUri);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
