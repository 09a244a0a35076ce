using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rrr.Portal.Features.Webhooks;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Support;
using Rrr.Sandbox;

namespace Rrr.Portal.Tests.Features.Webhooks;

public sealed class RrrWebhookSettingsTests
{
    private static readonly Microsoft.Extensions.Hosting.Internal.HostingEnvironment Development = new() { EnvironmentName = "Development" };

    private static string StartFailure(string environment, params (string Key, string Value)[] settings) =>
        StartupFailure.Of(
            environment,
            [("Oidc:Authority", "https://login.example.com/"), ("Oidc:ClientId", "portal"), ("Oidc:ClientSecret", "s3cret"), .. settings]);

    [Fact]
    public void Production_WithoutSecrets_RefusesToStart()
    {
        var message = StartFailure("Production");

        Assert.Contains("Webhooks:Secrets needs at least one", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_WithTheSandboxSecret_RefusesToStart()
    {
        var message = StartFailure("Production", ("Webhooks:Secrets:0", SandboxSettings.DevWebhookSecret));

        Assert.Contains("development secret", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedSecret_IsNamedBySetting_WithoutEchoingIt()
    {
        var message = StartFailure("Development", ("Webhooks:Secrets:0", "whsec_dG9vLXNob3J0"), ("Sandbox:Enabled", "false"));

        Assert.Contains("Webhooks:Secrets:0", message, StringComparison.Ordinal);
        Assert.DoesNotContain("dG9vLXNob3J0", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutSecrets_OutsideProduction_TheEndpointAnswers503_AndStoresNothing()
    {
        using var factory = new PortalFactory();
        using var client = factory.CreateClient();
        using var content = new StringContent("""{"id":"evt_1","type":"POINTS_POSTED","data":{}}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/rrr") { Content = content };
        request.Headers.Add("webhook-id", "evt_1");
        request.Headers.Add("webhook-timestamp", "1614265330");
        request.Headers.Add("webhook-signature", "v1,AAAA");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var inbox = factory.Services.GetRequiredService<global::Rrr.Core.Features.Webhooks.IWebhookInbox>();
        Assert.Equal(0, await inbox.CountAsync(null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void WithTheSandboxEnabled_AndNothingConfigured_TheSandboxSecretIsUsed()
    {
        var settings = new RrrWebhookOptions();

        DevelopmentDefaults.UseSandboxWebhookSecretWhenUnset(settings, Options.Create(new SandboxHostOptions { Enabled = true }), Development);

        Assert.Equal([SandboxSettings.DevWebhookSecret], settings.Secrets);
    }

    [Fact]
    public void ConfiguredSecrets_OrADisabledSandbox_AreLeftAlone()
    {
        var configured = new RrrWebhookOptions { Secrets = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] };
        var disabled = new RrrWebhookOptions();

        DevelopmentDefaults.UseSandboxWebhookSecretWhenUnset(configured, Options.Create(new SandboxHostOptions { Enabled = true }), Development);
        DevelopmentDefaults.UseSandboxWebhookSecretWhenUnset(disabled, Options.Create(new SandboxHostOptions { Enabled = false }), Development);

        Assert.Equal(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], configured.Secrets);
        Assert.Empty(disabled.Secrets);
    }
}
