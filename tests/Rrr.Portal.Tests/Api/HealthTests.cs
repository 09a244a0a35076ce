using System.Net;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Api;

public sealed class HealthTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Live_IsAnonymousAndHealthy()
    {
        using var client = _factory.CreateClientAs();

        var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Ready_WithStoreAndIdentityProviderUp_IsHealthy()
    {
        using var client = _factory.CreateClientAs();

        var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_WhenIdentityProviderIsDown_Is503ButLiveStaysUp()
    {
        _factory.IdentityProviderStatus = HttpStatusCode.ServiceUnavailable;
        using var client = _factory.CreateClientAs();

        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);
        var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
