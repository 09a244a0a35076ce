using System.Net;
using System.Text.Json;

namespace Rrr.Portal.Tests.Sandbox.Ledger;

/// <summary>The sandbox's tiers: a membership earn's tier becomes the member's (the latest wins) and the wallet reports it.</summary>
public sealed class TierTests : SandboxLedgerTest
{
    private static object Membership(string order, string? plan, string? tier, string product = "MEMBERSHIP", string xcnUserId = "xcn_u_1003") => new
    {
        xcn_user_id = xcnUserId,
        order_number = order,
        product,
        amount = new { amount = "9.99", currency = "USD" },
        posting_mode = "IMMEDIATE",
        membership_plan = plan,
        tier,
    };

    [Fact]
    public async Task SeededMia_IsPremium_AndOliHasNoTier()
    {
        var mia = await Sandbox.WalletAsync("rrr_m_1001");
        var oli = await Sandbox.WalletAsync("rrr_m_1003");

        Assert.Equal("PREMIUM", mia.GetProperty("tier").GetString());
        Assert.Equal(JsonValueKind.Null, oli.GetProperty("tier").ValueKind);
    }

    [Fact]
    public async Task AMembershipEarnWithATier_SetsTheMembersTier_AndTheLatestWins_InTheSameWalletVersion()
    {
        var before = await Sandbox.WalletAsync("rrr_m_1003");

        await Sandbox.PostOkAsync("/v1/earn-events", Membership("ord-t1", "yearly", "PREMIUM"), HttpStatusCode.Created);
        var premium = await Sandbox.WalletAsync("rrr_m_1003");
        await Sandbox.PostOkAsync("/v1/earn-events", Membership("ord-t2", "monthly", "BASIC"), HttpStatusCode.Created);
        await Sandbox.PostOkAsync("/v1/earn-events", Membership("ord-t3", null, null, product: "TOKENS"), HttpStatusCode.Created);
        var latest = await Sandbox.WalletAsync("rrr_m_1003");

        Assert.Equal("PREMIUM", premium.GetProperty("tier").GetString());
        Assert.Equal(before.GetProperty("version").GetInt64() + 1, premium.GetProperty("version").GetInt64());
        Assert.Equal("BASIC", latest.GetProperty("tier").GetString());
    }

    [Theory]
    [InlineData("TOKENS", "monthly", "BASIC", "tier")]
    [InlineData("MEMBERSHIP", "monthly", "premium", "tier")]
    [InlineData("TOKENS", "monthly", null, "membership_plan")]
    public async Task APlanOrTierWhereNoneBelongs_OrALowercaseTier_Is422ValidationFailed(string product, string? plan, string? tier, string field)
    {
        var (status, json, _) = await Sandbox.PostAsync("/v1/earn-events", Membership("ord-t4", plan, tier, product));

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("validation_failed", json.GetProperty("code").GetString());
        Assert.True(json.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(JsonValueKind.Null, (await Sandbox.WalletAsync("rrr_m_1003")).GetProperty("tier").ValueKind);
    }
}
