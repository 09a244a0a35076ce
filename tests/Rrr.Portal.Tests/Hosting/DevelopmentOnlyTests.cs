using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Rrr.Portal.Features.Earn;
using Rrr.Portal.Features.Webhooks;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Support;
using Rrr.Sandbox;

namespace Rrr.Portal.Tests.Hosting;

/// <summary>Development conveniences are an allow-list: any environment name but Development gets Production's rules.</summary>
public sealed class DevelopmentOnlyTests
{
    private static HostingEnvironment Env(string name) => new() { EnvironmentName = name };

    private static IConfiguration NoConfiguration => new ConfigurationBuilder().Build();

    private static IOptions<SandboxHostOptions> SandboxOn => Options.Create(new SandboxHostOptions { Enabled = true });

    [Theory]
    [InlineData("Staging")]
    [InlineData("Prod")]
    [InlineData("UAT")]
    public void ANonDevelopmentStart_WithTheSandboxEnabled_IsRefused_NamingTheSetting(string environment)
    {
        var message = StartupFailure.Of(environment, ("Sandbox:Enabled", "true"));

        Assert.Contains($"Sandbox:Enabled must be false outside Development (environment '{environment}')", message, StringComparison.Ordinal);
        // The dev identity provider is not filled in either: the OIDC settings are simply missing.
        Assert.Contains("Oidc:Authority is required", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Staging_WithTheSandboxEnabled_DoesNotRegisterTheInProcessSandbox()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Staging",
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection([new("Sandbox:Enabled", "true")]);

        builder.AddPortal();

        Assert.DoesNotContain(builder.Services, d => d.ImplementationType == typeof(InProcessSandbox));
    }

    [Fact]
    public void Staging_RefusesTheDevRrrApiKey_EvenPadded()
    {
        var result = Validate(new RrrProductionSettingsValidator(Env("Staging"), NoConfiguration),
            new global::Rrr.Core.Rrr.Http.RrrClientOptions { BaseUrl = new Uri("https://rrr.example.com/"), ClientId = "c", ApiKey = " " + SandboxSettings.DevApiKey + "\n" });

        Assert.Contains("Rrr:ApiKey is the sandbox's published development key", result, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxSettings.DevApiKey, result, StringComparison.Ordinal);
    }

    [Fact]
    public void Staging_RefusesTheDevInternalKey()
    {
        var result = Validate(new InternalApiOptionsValidator(Env("Staging")), new InternalApiOptions { ApiKeys = [SandboxSettings.DevInternalKey] });

        Assert.Contains("Internal:ApiKeys contains the sandbox's published development key", result, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxSettings.DevInternalKey, result, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("as published")]
    [InlineData("with whitespace")]
    [InlineData("with non-canonical padding bits")]
    public void Staging_RefusesTheDevWebhookSecret_ByItsDecodedKey(string variant)
    {
        var secret = variant switch
        {
            "as published" => SandboxSettings.DevWebhookSecret,
            "with whitespace" => SandboxSettings.DevWebhookSecret.Insert(20, " \n").Insert(10, "\t"),
            // 32 bytes leave 2 unused bits in the last character; 'F' instead of 'E' sets one of them.
            _ => SandboxSettings.DevWebhookSecret.Replace("ORE=", "ORF=", StringComparison.Ordinal),
        };
        Assert.NotEqual(variant == "as published", secret != SandboxSettings.DevWebhookSecret);
        Assert.Equal(Convert.FromBase64String(SandboxSettings.DevWebhookSecret[6..]), Convert.FromBase64String(secret[6..]));

        var result = Validate(new RrrWebhookOptionsValidator(Env("Staging")), new RrrWebhookOptions { Secrets = [secret] });

        Assert.Contains("Webhooks:Secrets contains the sandbox's published development secret", result, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxSettings.DevWebhookSecret[6..], result, StringComparison.Ordinal);
    }

    [Fact]
    public void Staging_AcceptsARealWebhookSecret()
    {
        var real = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        Assert.Equal("", Validate(new RrrWebhookOptionsValidator(Env("Staging")), new RrrWebhookOptions { Secrets = [real] }));
    }

    [Fact]
    public void Staging_RefusesTheDevOidcClientSecret()
    {
        var result = Validate(
            new OidcOptionsValidator(Env("Staging"), NoConfiguration),
            new OidcOptions { Authority = "https://login.example.com/", ClientId = "portal", ClientSecret = SandboxHostOptions.DevClientSecret });

        Assert.Contains("Oidc:ClientSecret is the sandbox's published development secret", result, StringComparison.Ordinal);
    }

    [Fact]
    public void Staging_WithTheSandboxEnabled_FillsInNoDevKeyOrSecret()
    {
        var webhooks = new RrrWebhookOptions();
        var internalApi = new InternalApiOptions();

        DevelopmentDefaults.UseSandboxWebhookSecretWhenUnset(webhooks, SandboxOn, Env("Staging"));
        DevelopmentDefaults.UseSandboxInternalKeyWhenUnset(internalApi, SandboxOn, Env("Staging"));

        Assert.Empty(webhooks.Secrets);
        Assert.Empty(internalApi.ApiKeys);
    }

    [Fact]
    public void Development_WithTheSandboxEnabled_StillFillsInTheDevKeyAndSecret()
    {
        var webhooks = new RrrWebhookOptions();
        var internalApi = new InternalApiOptions();

        DevelopmentDefaults.UseSandboxWebhookSecretWhenUnset(webhooks, SandboxOn, Env("Development"));
        DevelopmentDefaults.UseSandboxInternalKeyWhenUnset(internalApi, SandboxOn, Env("Development"));

        Assert.Equal([SandboxSettings.DevWebhookSecret], webhooks.Secrets);
        Assert.Equal([SandboxSettings.DevInternalKey], internalApi.ApiKeys);
    }

    private static string Validate<T>(IValidateOptions<T> validator, T options)
        where T : class
    {
        var result = validator.Validate(null, options);
        return result.Failed ? result.FailureMessage : "";
    }
}
