using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rrr.Core.Features.Checkout;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Checkout;
using Rrr.Portal.Tests.Support;
using Microsoft.Extensions.Configuration;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Tests.Features.Checkout;

/// <summary>Outside Development there is no payment gateway until XCN registers one: checkout says so, it does not fail.</summary>
public sealed class CheckoutWithoutGatewayTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebApplicationFactory<Program> Production() => factory.WithWebHostBuilder(b =>
    {
        b.UseEnvironment("Production");
        foreach (var (key, value) in ProductionSettings.Values)
        {
            b.UseSetting(key, value);
        }

        b.UseSetting("FeatureManagement:Checkout", "true");
    });

    [Theory]
    [InlineData("/member/checkout")]
    [InlineData("/member/checkout/XCN-ORDER-1")]
    public async Task Production_WithTheCheckoutFlagOn_SaysPlainlyThatCheckoutIsNotAvailable(string path)
    {
        await using var portal = Production();
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        client.DefaultRequestHeaders.Add(PortalFactory.RolesHeader, PortalRoles.Member);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Checkout is not available: no payment gateway is configured.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("pack-starter", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_MemberHome_DoesNotLeadToACheckoutThatCannotTakeMoney()
    {
        await using var portal = Production();
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        client.DefaultRequestHeaders.Add(PortalFactory.RolesHeader, PortalRoles.Member);

        using var response = await client.GetAsync(new Uri("/member", UriKind.Relative), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Use points at checkout", html, StringComparison.Ordinal);
        Assert.Contains("Not available yet", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"member/checkout\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production", false)]
    [InlineData("Staging", false)]
    [InlineData("development", true)]
    [InlineData("Development", true)]
    public void TheSimulatedGateway_ExistsOnlyInDevelopment(string environment, bool simulated)
    {
        var services = new ServiceCollection().AddPortalDevelopmentDefaults(new Environment(environment), new ConfigurationBuilder().Build());

        Assert.Equal(simulated, services.Any(d => d.ServiceType == typeof(IXcnPaymentGateway)));
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "Rrr.Portal";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } =
            new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
