using System.Net;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Harness;

/// <summary>Checks the portal process plumbing against the contract every E2E test relies on.</summary>
[Collection(PortalCollection.Name)]
public sealed class PortalProcessTests(PortalFixture fixture)
{
    [Fact]
    public async Task Portal_answers_health_live_on_its_loopback_port()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var response = await http.GetAsync(new Uri(fixture.BaseUrl + "/health/live"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("http://127.0.0.1:", fixture.BaseUrl, StringComparison.Ordinal);
        Assert.StartsWith("http://127.0.0.1:", fixture.SandboxUrl, StringComparison.Ordinal);
        Assert.NotEqual(fixture.Portal.PortalPort, fixture.Portal.SandboxPort);
        Assert.True(Directory.Exists(fixture.Portal.DataFolder));
        Assert.False(string.IsNullOrEmpty(fixture.Portal.Logs));
    }

    [Fact]
    public async Task Restart_keeps_the_ports_and_the_data_folder()
    {
        var portal = fixture.Portal;
        var (baseUrl, sandboxUrl, dataFolder, starts) = (portal.BaseUrl, portal.SandboxUrl, portal.DataFolder, portal.StartCount);
        var marker = Path.Combine(dataFolder, "harness-restart-marker.txt");
        await File.WriteAllTextAsync(marker, "kept", TestContext.Current.CancellationToken);

        await portal.RestartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(starts + 1, portal.StartCount);
        Assert.Equal(baseUrl, portal.BaseUrl);
        Assert.Equal(sandboxUrl, portal.SandboxUrl);
        Assert.Equal(dataFolder, portal.DataFolder);
        Assert.True(File.Exists(marker), "the data folder was not kept across the restart");
        File.Delete(marker);

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var response = await http.GetAsync(new Uri(portal.BaseUrl + "/health/live"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
