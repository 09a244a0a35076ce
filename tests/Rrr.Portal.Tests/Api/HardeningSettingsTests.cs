using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Api;

/// <summary>Rate limits and the health cache are validated at start-up and named when wrong.</summary>
public sealed class HardeningSettingsTests
{
    [Fact]
    public void ImpossibleRateLimits_RefuseToStart_NamingEachSetting()
    {
        var message = StartupFailure.Of(
            "Development",
            ("Sandbox:Enabled", "false"),
            ("Oidc:Authority", "https://login.example.com/"),
            ("Oidc:ClientId", "portal"),
            ("Oidc:ClientSecret", "s3cret"),
            ("RateLimits:WebhookFailures:PermitLimit", "0"),
            ("RateLimits:LinkCodes:Window", "00:00:00"),
            ("Health:IdentityProviderCacheDuration", "01:00:00"));

        Assert.Contains("RateLimits:WebhookFailures: PermitLimit must be between 1 and 100000.", message, StringComparison.Ordinal);
        Assert.Contains("RateLimits:LinkCodes: Window must be between", message, StringComparison.Ordinal);
        Assert.Contains("Health:IdentityProviderCacheDuration must be between", message, StringComparison.Ordinal);
    }
}
