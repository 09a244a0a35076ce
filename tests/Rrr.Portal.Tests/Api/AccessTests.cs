using System.Net;
using Rrr.Portal.Auth;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Api;

public sealed class AccessTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Landing_IsPublic_AndOffersSignIn()
    {
        using var client = factory.CreateClientAs();

        var response = await client.GetAsync(new Uri("/", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("account/signin", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/member")]
    [InlineData("/model")]
    [InlineData("/admin")]
    [InlineData("/account/home")]
    [InlineData("/forbidden")]
    [InlineData("/no-role")]
    public async Task ProtectedPage_WhenAnonymous_RedirectsToIdentityProvider(string path)
    {
        using var client = factory.CreateClientAs();

        var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(PortalFactory.Authority + "connect/authorize", location, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", location, StringComparison.Ordinal);
        Assert.Contains("response_type=code", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WhenAnonymous_ChallengesWithPkce()
    {
        using var client = factory.CreateClientAs();

        var response = await client.GetAsync(new Uri("/account/signin", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("code_challenge=", response.Headers.Location!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiPath_WhenAnonymous_Is401NotARedirect()
    {
        using var client = factory.CreateClientAs();

        var response = await client.GetAsync(new Uri("/api/anything", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BlazorHub_WhenAnonymous_IsRefused()
    {
        using var client = factory.CreateClientAs();

        var response = await client.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(PortalRoles.Member, "/member")]
    [InlineData(PortalRoles.Model, "/model")]
    [InlineData(PortalRoles.Admin, "/admin")]
    public async Task RoleHome_ForItsRole_Renders(string role, string path)
    {
        using var client = factory.CreateClientAs(role);

        var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(PortalRoles.Member, "/admin")]
    [InlineData(PortalRoles.Member, "/model")]
    [InlineData(PortalRoles.Model, "/admin")]
    [InlineData(PortalRoles.Model, "/member")]
    [InlineData(PortalRoles.Admin, "/member")]
    [InlineData("rrr_admin", "/admin")]
    public async Task OtherRolesPage_IsForbidden(string role, string path)
    {
        using var client = factory.CreateClientAs(role);

        var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/forbidden", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForbiddenPage_AnswersWith403()
    {
        using var client = factory.CreateClientAs(PortalRoles.Member);

        var response = await client.GetAsync(new Uri("/forbidden", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Not for your role", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PortalRoles.Member, "/member")]
    [InlineData(PortalRoles.Model, "/model")]
    [InlineData(PortalRoles.Admin, "/admin")]
    [InlineData("rrr_admin", "/no-role")]
    public async Task AccountHome_SendsEachRoleToItsHome(string role, string expected)
    {
        using var client = factory.CreateClientAs(role);

        var response = await client.GetAsync(new Uri("/account/home", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task SignOut_WithoutAntiforgeryToken_IsRejected()
    {
        using var client = factory.CreateClientAs(PortalRoles.Member);

        var response = await client.PostAsync(
            new Uri("/account/signout", UriKind.Relative), new FormUrlEncodedContent([]), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task UnknownPage_ShowsFriendly404()
    {
        using var client = factory.CreateClientAs(PortalRoles.Member);

        var response = await client.GetAsync(new Uri("/no/such/page", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
