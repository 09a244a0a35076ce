using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting.Internal;
using Rrr.Core.Features.Earn;
using Rrr.Core.Rrr.Earn;
using Rrr.Portal.Features.Earn;
using Rrr.Sandbox;

namespace Rrr.Portal.Tests.Features.Earn;

public sealed class InternalApiSettingsTests
{
    private static string Failures(string environment, params string[] keys)
    {
        var result = new InternalApiOptionsValidator(new HostingEnvironment { EnvironmentName = environment })
            .Validate(null, new InternalApiOptions { ApiKeys = keys });
        return result.Failed ? result.FailureMessage : "";
    }

    [Fact]
    public void Production_WithoutInternalKeys_IsRefused()
    {
        Assert.Contains("Internal:ApiKeys needs at least one key", Failures("Production"), StringComparison.Ordinal);
    }

    [Fact]
    public void Production_WithTheSandboxKey_IsRefused_WithoutQuotingIt()
    {
        var message = Failures("Production", SandboxSettings.DevInternalKey);

        Assert.Contains("Internal:ApiKeys contains the sandbox's published development key", message, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxSettings.DevInternalKey, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_WithAShortKey_IsRefused_AndALongOneAccepted()
    {
        Assert.Contains("Internal:ApiKeys:0 must be at least 32", Failures("Production", "short"), StringComparison.Ordinal);
        Assert.Equal("", Failures("Production", new string('k', 40)));
    }

    [Fact]
    public void Development_MayRunWithoutKeys()
    {
        Assert.Equal("", Failures("Development"));
    }

    [Fact]
    public void Earn_WithABadCurrencyOrRule_RefusesToStart_NamingTheSettings()
    {
        var data = Path.Combine(Path.GetTempPath(), "rrr-portal-tests", Guid.NewGuid().ToString("N"));
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("Store:DataFolder", data);
            b.UseSetting("Sandbox:Enabled", "false");
            b.UseSetting("Oidc:Authority", "https://login.example.com/");
            b.UseSetting("Oidc:ClientId", "portal");
            b.UseSetting("Oidc:ClientSecret", "s3cret");
            b.UseSetting("Rrr:BaseUrl", "http://rrr.example.test/");
            b.UseSetting("Rrr:ApiKey", "key");
            b.UseSetting("Earn:Currency", "usd");
            b.UseSetting("Earn:PointsPerUnit:Tokens", "0");
        });

        var ex = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(ex);
        var message = ex is AggregateException agg ? string.Join('\n', agg.Flatten().InnerExceptions.Select(e => e.Message)) : ex.Message;
        Assert.Contains("Earn:Currency must be an ISO 4217 code", message, StringComparison.Ordinal);
        Assert.Contains("Earn:PointsPerUnit:Tokens must be a whole number above 0", message, StringComparison.Ordinal);
    }

    [Fact]
    public void EarnDefaults_AreValid_AndFollowTheRules()
    {
        var options = new EarnOptions();

        Assert.True(new EarnOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(12, options.ExpectedPoints(EarnProduct.Tokens, 12.99m));
        Assert.Equal(24, options.ExpectedPoints(EarnProduct.Membership, 12.99m));
    }

    [Theory]
    [InlineData("key-a", true)]
    [InlineData("key-b", true)]
    [InlineData("key-", false)]
    [InlineData("key-ab", false)]
    [InlineData("", false)]
    public void Matches_ComparesWithEveryConfiguredKey(string presented, bool expected)
    {
        Assert.Equal(expected, InternalApiKeyHandler.Matches(presented, ["key-a", "", "key-b"]));
    }
}
