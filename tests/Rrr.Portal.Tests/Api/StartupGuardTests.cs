using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Api;

public sealed class StartupGuardTests
{
    private static string StartFailure(string environment, params (string Key, string Value)[] settings) =>
        StartupFailure.Of(environment, settings);

    [Fact]
    public void Production_WithMissingSettings_RefusesToStart_NamingEachSetting()
    {
        var message = StartFailure("Production");

        Assert.Contains("Oidc:Authority", message, StringComparison.Ordinal);
        Assert.Contains("Oidc:ClientId", message, StringComparison.Ordinal);
        Assert.Contains("Oidc:ClientSecret", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_WithSandboxEnabled_RefusesToStart()
    {
        var message = StartFailure(
            "Production",
            ("Sandbox:Enabled", "true"),
            ("Oidc:Authority", "https://login.example.com/"),
            ("Oidc:ClientId", "portal"),
            ("Oidc:ClientSecret", "s3cret"));

        Assert.Contains("Sandbox:Enabled must be false outside Development (environment 'Production')", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_PointingAtTheDevIdentityProvider_RefusesToStart()
    {
        var message = StartFailure(
            "Production",
            ("Oidc:Authority", "http://localhost:5081/"),
            ("Oidc:ClientId", "rrr-portal"),
            ("Oidc:ClientSecret", "sandbox-portal-secret"));

        Assert.Contains("development identity provider", message, StringComparison.Ordinal);
        Assert.Contains("https", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_MongoWithoutConnectionString_NamesTheSetting()
    {
        var message = StartFailure(
            "Production",
            ("Store:Provider", "Mongo"),
            ("Oidc:Authority", "https://login.example.com/"),
            ("Oidc:ClientId", "portal"),
            ("Oidc:ClientSecret", "s3cret"));

        Assert.Contains("Store:MongoConnectionString", message, StringComparison.Ordinal);
    }
}
