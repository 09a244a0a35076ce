using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Http;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Tests.Rrr;

public sealed class RrrClientOptionsTests
{
    private static string Failure(string environment, Dictionary<string, string?> settings, bool sandboxEnabled = false)
    {
        using var provider = Build(environment, settings, sandboxEnabled);
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RrrClientOptions>>().Value);
        return string.Join(Environment.NewLine, ex.Failures);
    }

    private static ServiceProvider Build(string environment, Dictionary<string, string?> settings, bool sandboxEnabled)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new TestEnvironment(environment));
        services.Configure<SandboxHostOptions>(s => s.Enabled = sandboxEnabled);
        services.AddSingleton<IRrrCallLog>(new MemoryCallLog());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddRrrClient(configuration).AddPortalDevelopmentDefaults(new TestEnvironment(environment), configuration)
            .AddSingleton<IValidateOptions<RrrClientOptions>, RrrProductionSettingsValidator>();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void MissingSettings_AreEachNamed()
    {
        var message = Failure("Development", new() { ["Rrr:BaseUrl"] = "", ["Rrr:ClientId"] = "" });

        Assert.Contains("Rrr:BaseUrl must be an absolute http(s) URL", message, StringComparison.Ordinal);
        Assert.Contains("Rrr:ClientId is required", message, StringComparison.Ordinal);
        Assert.Contains("Rrr:ApiKey is required", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/")]
    [InlineData("ftp://rrr.example/")]
    public void NonHttpOrRelativeBaseUrl_IsRefused(string url) =>
        Assert.Contains(
            "Rrr:BaseUrl must be an absolute http(s) URL",
            Failure("Development", new() { ["Rrr:BaseUrl"] = url, ["Rrr:ClientId"] = "c", ["Rrr:ApiKey"] = "k" }),
            StringComparison.Ordinal);

    [Fact]
    public void BadResilienceSettings_AreNamed()
    {
        var message = Failure("Development", new()
        {
            ["Rrr:BaseUrl"] = "https://rrr.example/",
            ["Rrr:ClientId"] = "c",
            ["Rrr:ApiKey"] = "k",
            ["Rrr:Timeout"] = "00:00:05",
            ["Rrr:AttemptTimeout"] = "00:00:10",
            ["Rrr:MaxRetries"] = "-1",
            ["Rrr:CircuitBreaker:MinimumThroughput"] = "1",
        });

        Assert.Contains("Rrr:AttemptTimeout", message, StringComparison.Ordinal);
        Assert.Contains("Rrr:MaxRetries", message, StringComparison.Ordinal);
        Assert.Contains("Rrr:CircuitBreaker:MinimumThroughput", message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithSandboxEnabled_UnsetUrlAndKey_PointAtTheSandbox()
    {
        using var provider = Build("Development", new() { ["Rrr:ClientId"] = "xcn-portal" }, sandboxEnabled: true);

        var options = provider.GetRequiredService<IOptions<RrrClientOptions>>().Value;

        Assert.Equal(new SandboxHostOptions().Url, options.BaseUrl);
        Assert.Equal(global::Rrr.Sandbox.SandboxSettings.DevApiKey, options.ApiKey);
    }

    [Fact]
    public void WithSandboxEnabled_ExplicitSettings_AreKept()
    {
        using var provider = Build(
            "Development",
            new() { ["Rrr:BaseUrl"] = "http://127.0.0.1:6000/", ["Rrr:ClientId"] = "c", ["Rrr:ApiKey"] = "mine" },
            sandboxEnabled: true);

        var options = provider.GetRequiredService<IOptions<RrrClientOptions>>().Value;

        Assert.Equal(new Uri("http://127.0.0.1:6000/"), options.BaseUrl);
        Assert.Equal("mine", options.ApiKey);
    }

    [Fact]
    public void Production_RefusesTheSandboxKeyAndUrl()
    {
        var message = Failure("Production", new()
        {
            ["Rrr:BaseUrl"] = "http://localhost:5081/",
            ["Rrr:ClientId"] = "xcn-portal",
            ["Rrr:ApiKey"] = global::Rrr.Sandbox.SandboxSettings.DevApiKey,
        });

        Assert.Contains("Rrr:ApiKey is the sandbox's published development key", message, StringComparison.Ordinal);
        Assert.Contains("Rrr:BaseUrl must use https outside Development", message, StringComparison.Ordinal);
        Assert.Contains("Rrr:BaseUrl points at the RRR sandbox", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Staging_WithTheSandboxEnabled_GetsNoSandboxUrlOrDevKey()
    {
        var message = Failure("Staging", new() { ["Rrr:ClientId"] = "xcn-portal" }, sandboxEnabled: true);

        Assert.Contains("Rrr:BaseUrl must be an absolute http(s) URL", message, StringComparison.Ordinal);
        Assert.Contains("Rrr:ApiKey is required", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_WithARealEndpointAndKey_Starts()
    {
        using var provider = Build(
            "Production",
            new() { ["Rrr:BaseUrl"] = "https://api.rrr.example/", ["Rrr:ClientId"] = "xcn-portal", ["Rrr:ApiKey"] = "live-key" },
            sandboxEnabled: false);

        Assert.Equal("live-key", provider.GetRequiredService<IOptions<RrrClientOptions>>().Value.ApiKey);
    }

    private sealed class TestEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } =
            new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
