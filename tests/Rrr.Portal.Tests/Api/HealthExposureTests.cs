using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Rrr.Portal.Auth;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Api;

/// <summary>/health/ready tells anyone only the status word; the details are an admin's; the identity provider is asked once per period.</summary>
public sealed class HealthExposureTests : IDisposable
{
    private readonly PortalFactory root = new();
    private readonly CountingHandler idp = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly WebApplicationFactory<Program> factory;

    public HealthExposureTests()
    {
        factory = root.WithWebHostBuilder(b =>
        {
            b.UseSetting("Health:IdentityProviderCacheDuration", "00:00:30");
            b.ConfigureTestServices(s =>
            {
                s.AddSingleton<TimeProvider>(time);
                s.AddHttpClient(IdentityProviderHealthCheck.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => idp);
            });
        });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        factory.Dispose();
        root.Dispose();
    }

    private HttpClient Client(params string[] roles)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (roles.Length > 0)
        {
            client.DefaultRequestHeaders.Add(PortalFactory.RolesHeader, string.Join(',', roles));
        }

        return client;
    }

    [Fact]
    public async Task Ready_ForAnonymous_SaysOnlyTheStatusWord()
    {
        using var client = Client();

        var response = await client.GetAsync(new Uri(HealthHosting.ReadyPath, UriKind.Relative), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body);
        Assert.DoesNotContain("backlog", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("checks", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("identity", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Ready_WhenTheIdentityProviderIsDown_IsStill503_WithOnlyTheWord()
    {
        idp.Status = HttpStatusCode.ServiceUnavailable;
        using var client = Client();

        var response = await client.GetAsync(new Uri(HealthHosting.ReadyPath, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Details_ForAnAdmin_ListEveryCheckWithItsData()
    {
        using var client = Client(PortalRoles.Admin);

        var response = await client.GetAsync(new Uri(HealthHosting.DetailsPath, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal(["earn-outbox", "identity-provider", "rrr", "store"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(0, checks.GetProperty("earn-outbox").GetProperty("data").GetProperty("backlog").GetInt64());
    }

    [Fact]
    public async Task Details_ForAnonymousOrAMember_AreRefused()
    {
        using var anonymous = Client();
        using var member = Client(PortalRoles.Member);

        var forAnonymous = await anonymous.GetAsync(new Uri(HealthHosting.DetailsPath, UriKind.Relative), Ct);
        var forMember = await member.GetAsync(new Uri(HealthHosting.DetailsPath, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, forAnonymous.StatusCode);
        Assert.StartsWith(PortalFactory.Authority, forAnonymous.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, forMember.StatusCode);
        Assert.StartsWith("/forbidden", forMember.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.DoesNotContain("backlog", await forAnonymous.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("backlog", await forMember.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyHits_WithinThePeriod_AskTheIdentityProviderOnce_AndAgainAfterIt()
    {
        using var client = Client();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(HealthHosting.ReadyPath, UriKind.Relative), Ct)).StatusCode);
        }

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.GetAsync(new Uri(HealthHosting.ReadyPath, UriKind.Relative), Ct)));
        var withinPeriod = idp.Calls;
        time.Advance(TimeSpan.FromSeconds(31));
        await client.GetAsync(new Uri(HealthHosting.ReadyPath, UriKind.Relative), Ct);

        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, withinPeriod);
        Assert.Equal(2, idp.Calls);
    }

    [Fact]
    public async Task ConcurrentFirstHits_AskTheIdentityProviderOnce()
    {
        idp.Delay = TimeSpan.FromMilliseconds(200);
        using var client = Client();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetAsync(new Uri(HealthHosting.ReadyPath, UriKind.Relative), Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, idp.Calls);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public TimeSpan Delay { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (Delay > TimeSpan.Zero)
            {
                // Real time on purpose: the portal's clock is frozen, the wait only has to overlap the other hits.
                await Task.Delay(Delay, cancellationToken);
            }

            return new HttpResponseMessage(Status);
        }
    }
}
