using Rrr.Core.Rrr.Http;

namespace Rrr.Portal.Tests.Rrr;

public sealed class IdempotencyKeysTests
{
    [Fact]
    public void Keys_AreDerivedFromTheBusinessFacts()
    {
        Assert.Equal("earn_token_ord-42", IdempotencyKeys.EarnTokens("ord-42"));
        Assert.Equal("earn_membership_ord-42", IdempotencyKeys.EarnMembership("ord-42"));
        Assert.Equal("earn_reverse_ee_1", IdempotencyKeys.EarnReverse("ee_1"));
        Assert.Equal("award_c-7", IdempotencyKeys.AwardIntent("c-7"));
        Assert.Equal("award_intent_ai_1", IdempotencyKeys.AwardCommit("ai_1"));
        Assert.Equal("redeem_quote_ord-42", IdempotencyKeys.RedeemQuote("ord-42"));
        Assert.Equal("redeem_commit_q_1", IdempotencyKeys.RedeemCommit("q_1"));
        Assert.Equal("redeem_reverse_q_1", IdempotencyKeys.RedeemReverse("q_1"));
        Assert.Equal("topup_quote_ord-42_250", IdempotencyKeys.TopupQuote("ord-42", 250));
        Assert.Equal("topup_commit_q_2", IdempotencyKeys.TopupCommit("q_2"));
        Assert.Equal("link_intent_xcn_u_1002_a1", IdempotencyKeys.LinkIntent("xcn_u_1002", "a1"));
        Assert.Equal("link_confirm_li_1_3", IdempotencyKeys.LinkConfirm("li_1", 3));
        Assert.Equal("promotion_decision_pr_1_2_xcn_u_9001", IdempotencyKeys.PromotionDecision("pr_1", 2, "xcn_u_9001"));
    }

    [Fact]
    public void SameFacts_GiveTheSameKey() =>
        Assert.Equal(IdempotencyKeys.RedeemCommit("q_1"), IdempotencyKeys.RedeemCommit("q_1"));

    [Fact]
    public void KeyLongerThan255_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => IdempotencyKeys.RedeemQuote(new string('x', 250)));

        Assert.Contains("255", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyOfExactly255_IsAccepted() =>
        Assert.Equal(255, IdempotencyKeys.RedeemQuote(new string('x', 255 - "redeem_quote_".Length)).Length);

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ünïcode")]
    public void EmptyOrNonAsciiPart_IsRefused(string part) =>
        Assert.Throws<ArgumentException>(() => IdempotencyKeys.EarnTokens(part));
}
