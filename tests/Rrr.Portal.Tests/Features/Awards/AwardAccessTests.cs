using System.Net;
using Rrr.Portal.Auth;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Awards;

/// <summary>The award pages are for models only, enforced by the server before any circuit exists.</summary>
public sealed class AwardAccessTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(PortalRoles.Member, "/model/room")]
    [InlineData(PortalRoles.Member, "/model/awards")]
    [InlineData(PortalRoles.Admin, "/model/room")]
    [InlineData(PortalRoles.Admin, "/model/awards")]
    public async Task AwardPage_ForAnotherRole_IsForbidden(string role, string path)
    {
        using var client = factory.CreateClientAs(role);

        var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/forbidden", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/model/room")]
    [InlineData("/model/awards")]
    public async Task AwardPage_WhenAnonymous_RedirectsToSignIn(string path)
    {
        using var client = factory.CreateClientAs();

        var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(PortalFactory.Authority + "connect/authorize", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/model/room", "Live room")]
    [InlineData("/model/awards", "Award history")]
    public async Task AwardPage_ForAModel_Renders(string path, string heading)
    {
        using var client = factory.CreateClientAs(PortalRoles.Model);

        var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(heading, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
