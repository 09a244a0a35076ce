using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Sso;
using Rrr.Portal.Auth;
using Rrr.Portal.Tests.Features.Links;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Sso;

/// <summary>
/// POST /member/rrr/open through the real pipeline (auth, antiforgery, flags), with RRR's links and SSO APIs faked.
/// The test identity's sub is <c>xcn_u_test</c>.
/// </summary>
public sealed partial class SsoEndpointTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private const string User = "xcn_u_test";

    private readonly FakeLinkFlowApi links = new();
    private readonly FakeSsoApi sso = new();
    private readonly RecordingLoggerProvider logs = new();

    // The portal keeps RRR's last link answer per user in its store, and a newer version is never replaced by an
    // older one: a store shared with a test that linked this user would make "unlinked" look linked.
    private readonly string dataFolder = Directory.CreateTempSubdirectory("rrr-sso-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebApplicationFactory<Program> Portal(bool ssoFlag = true, bool linkingFlag = true) => factory.WithWebHostBuilder(b =>
    {
        b.UseSetting("Store:DataFolder", dataFolder);
        b.UseSetting("FeatureManagement:SsoDeepLink", ssoFlag ? "true" : "false");
        b.UseSetting("FeatureManagement:AccountLinking", linkingFlag ? "true" : "false");
        b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        b.ConfigureTestServices(s =>
        {
            s.AddSingleton<IRrrLinksApi>(links);
            s.AddSingleton<IRrrSsoApi>(sso);
        });
    });

    private static HttpClient Client(WebApplicationFactory<Program> portal, params string[] roles)
    {
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (roles.Length > 0)
        {
            client.DefaultRequestHeaders.Add(PortalFactory.RolesHeader, string.Join(',', roles));
        }

        return client;
    }

    /// <summary>What a browser would post: the antiforgery token from a rendered page (its cookie stays in the client).</summary>
    private static async Task<FormUrlEncodedContent> FormWithTokenAsync(HttpClient client)
    {
        var html = await client.GetStringAsync(new Uri("/member", UriKind.Relative), Ct);
        var token = TokenInput().Match(html);
        Assert.True(token.Success, "no antiforgery token on /member");
        return new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))]);
    }

    private static Task<HttpResponseMessage> OpenAsync(HttpClient client, HttpContent form) =>
        client.PostAsync(new Uri("/member/rrr/open", UriKind.Relative), form, Ct);

    [Fact]
    public async Task Anonymous_IsChallenged_AndNoTicketIsMade()
    {
        await using var portal = Portal();
        using var client = Client(portal);

        var response = await OpenAsync(client, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(PortalFactory.Authority + "connect/authorize", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Empty(sso.Calls);
    }

    [Fact]
    public async Task Linked_RedirectsToTheConsumeUrl_WithAFreshTicketPerClick_AndNoTicketInLogsOrPages()
    {
        links.Link(User, "rrr_m_test");
        await using var portal = Portal();
        using var client = Client(portal, PortalRoles.Member);
        var form = await FormWithTokenAsync(client);
        var page = await client.GetStringAsync(new Uri("/member", UriKind.Relative), Ct);

        var first = await OpenAsync(client, form);
        var second = await OpenAsync(client, await FormWithTokenAsync(client));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(FakeSsoApi.ConsumeBase + "tkt_secret_1", first.Headers.Location!.AbsoluteUri);
        Assert.Equal(FakeSsoApi.ConsumeBase + "tkt_secret_2", second.Headers.Location!.AbsoluteUri);
        Assert.True(first.Headers.CacheControl!.NoStore);
        var calls = sso.Calls.ToArray();
        Assert.All(calls, c => Assert.Equal("rrr_m_test", c.RrrMemberId));
        Assert.All(calls, c => Assert.EndsWith("/member", c.ReturnTo!.AbsoluteUri, StringComparison.Ordinal));
        Assert.All(calls, c => Assert.StartsWith("sso_ticket_rrr_m_test_", c.Key, StringComparison.Ordinal));
        Assert.NotEqual(calls[0].Key, calls[1].Key);
        Assert.NotEmpty(logs.Messages);
        Assert.DoesNotContain(logs.Messages, m => m.Contains("tkt_secret", StringComparison.Ordinal) || m.Contains("ticket=", StringComparison.Ordinal));
        Assert.DoesNotContain("ticket", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WithoutAntiforgeryToken_IsRefused()
    {
        links.Link(User, "rrr_m_test");
        await using var portal = Portal();
        using var client = Client(portal, PortalRoles.Member);

        var response = await OpenAsync(client, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(sso.Calls);
    }

    [Fact]
    public async Task Unlinked_IsLedToTheWizard()
    {
        await using var portal = Portal();
        using var client = Client(portal, PortalRoles.Member);

        var response = await OpenAsync(client, await FormWithTokenAsync(client));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/member/link", response.Headers.Location!.OriginalString);
        Assert.Empty(sso.Calls);
    }

    [Fact]
    public async Task RrrDown_LandsOnAFriendlyUnavailablePage()
    {
        links.Link(User, "rrr_m_test");
        sso.Down = true;
        await using var portal = Portal();
        using var client = Client(portal, PortalRoles.Member);

        var response = await OpenAsync(client, await FormWithTokenAsync(client));
        var page = await client.GetAsync(response.Headers.Location, Ct);

        Assert.Equal("/member/rrr/unavailable", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("RedRoomRewards is temporarily unavailable", html, StringComparison.Ordinal);
        Assert.Contains("Nothing was lost", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlagOff_IsNotFound()
    {
        links.Link(User, "rrr_m_test");
        await using var portal = Portal(ssoFlag: false);
        using var client = Client(portal, PortalRoles.Member);

        var response = await OpenAsync(client, await FormWithTokenAsync(client));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(sso.Calls);
    }

    [Fact]
    public async Task OtherRoles_AreForbidden()
    {
        await using var portal = Portal();
        using var client = Client(portal, PortalRoles.Model);

        var response = await OpenAsync(client, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/forbidden", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Empty(sso.Calls);
    }

    [Fact]
    public async Task WizardPage_IsForMembers_AndGoneWithItsFlag()
    {
        await using var on = Portal();
        await using var off = Portal(linkingFlag: false);
        using var member = Client(on, PortalRoles.Member);
        using var memberWithFlagOff = Client(off, PortalRoles.Member);
        using var model = Client(on, PortalRoles.Model);
        using var anonymous = Client(on);

        var page = await member.GetStringAsync(new Uri("/member/link", UriKind.Relative), Ct);
        var pageOff = await memberWithFlagOff.GetStringAsync(new Uri("/member/link", UriKind.Relative), Ct);
        var forModel = await model.GetAsync(new Uri("/member/link", UriKind.Relative), Ct);
        var forAnonymous = await anonymous.GetAsync(new Uri("/member/link", UriKind.Relative), Ct);

        Assert.Contains("Link RedRoomRewards", page, StringComparison.Ordinal);
        Assert.DoesNotContain("linking-off", page, StringComparison.Ordinal);
        Assert.Contains("Account linking is not available", pageOff, StringComparison.Ordinal);
        Assert.DoesNotContain("link-wizard", pageOff, StringComparison.Ordinal);
        Assert.StartsWith("/forbidden", forModel.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.StartsWith(PortalFactory.Authority, forAnonymous.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
