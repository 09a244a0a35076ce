using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Rrr.Core.Features.Approvals;
using Rrr.Portal.Tests.Support;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Tests.Features.Approvals;

/// <summary>Approvals:ChainKey: required, base64 of 32+ bytes, outside the store; the published development key only in Development.</summary>
public sealed class ApprovalChainOptionsTests
{
    private static readonly string DevelopmentKey = Convert.ToBase64String(
        SHA256.HashData("rrr-portal development approval chain key (published, protects nothing)"u8));

    private static HostingEnvironment Environment(string name) => new HostingEnvironment { EnvironmentName = name };

    private static ValidationOutcome Validate(string environment, ApprovalChainOptions options)
    {
        var result = new ApprovalChainOptionsValidator(Environment(environment)).Validate(null, options);
        return new ValidationOutcome(result.Succeeded, string.Join(" | ", result.Failures ?? []));
    }

    private sealed record ValidationOutcome(bool Succeeded, string Message);

    [Fact]
    public void Production_WithoutAChainKey_RefusesToStart_NamingTheSetting()
    {
        var message = StartupFailure.Of(
            "Production",
            ("Oidc:Authority", "https://login.example.com/"),
            ("Oidc:ClientId", "portal"),
            ("Oidc:ClientSecret", "s3cret"));

        Assert.Contains("Approvals:ChainKey is required outside Development", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void OutsideDevelopment_TheMissingKeyIsNotFilledIn(string environment)
    {
        var options = new ApprovalChainOptions();
        DevelopmentDefaults.UseDevelopmentChainKeyWhenUnset(options, Environment(environment));

        Assert.Null(options.ChainKey);
        Assert.Contains("Approvals:ChainKey is required", Validate(environment, options).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Development_WithoutAKey_GetsThePublishedOne_WhichEveryOtherEnvironmentRefusesByValue()
    {
        var options = new ApprovalChainOptions();
        DevelopmentDefaults.UseDevelopmentChainKeyWhenUnset(options, Environment("Development"));

        Assert.Equal(DevelopmentKey, options.ChainKey);
        Assert.True(Validate("Development", options).Succeeded);

        // The same bytes spelled differently (no padding trimmed here, but surrounding whitespace) are still the dev key.
        var respelled = new ApprovalChainOptions { ChainKey = " " + DevelopmentKey + " " };
        var refused = Validate("Staging", respelled);
        Assert.False(refused.Succeeded);
        Assert.Contains("published development key", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64!", "not valid base64")]
    [InlineData("c2hvcnQ=", "decodes to 5 bytes")]
    public void AKeyThatIsNotBase64OfThirtyTwoBytes_IsRefused(string key, string expected)
    {
        var outcome = Validate("Production", new ApprovalChainOptions { ChainKey = key });

        Assert.False(outcome.Succeeded);
        Assert.Contains(expected, outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PreviousKeys_NeedTheirOwnIds_AndValidKeys()
    {
        var options = TestChainKeys.Options("k2");
        options.PreviousChainKeys["k2"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        options.PreviousChainKeys["k0"] = "c2hvcnQ=";

        var outcome = Validate("Production", options);

        Assert.False(outcome.Succeeded);
        Assert.Contains("Approvals:PreviousChainKeys:k2 has the current key's id", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("Approvals:PreviousChainKeys:k0 decodes to 5 bytes", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARandomKeyOfThirtyTwoBytes_IsAccepted_InProduction()
    {
        Assert.True(Validate("Production", TestChainKeys.Options()).Succeeded);
    }
}
