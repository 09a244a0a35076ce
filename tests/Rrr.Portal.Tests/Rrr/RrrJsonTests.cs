using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Adjustments;
using Rrr.Core.Rrr.Earn;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Promotions;
using Rrr.Core.Rrr.Redemptions;
using Rrr.Core.Rrr.Wallet;

namespace Rrr.Portal.Tests.Rrr;

/// <summary>Literal JSON in the shapes docs/rrr-wire.md pins, read and written by the client's options.</summary>
public sealed class RrrJsonTests
{
    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, RrrJson.Options)!;

    private static string Write<T>(T value) => JsonSerializer.Serialize(value, RrrJson.Options);

    private static void AssertSameJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}\nactual   {actual}");

    [Fact]
    public void Money_IsWrittenWithTheAmountAsAnInvariantString()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            Assert.Equal("""{"amount":"12.50","currency":"USD"}""", Write(new Money(12.50m, "USD")));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("""{"amount":"12.50","currency":"USD"}""")]
    [InlineData("""{"currency":"USD","amount":12.50,"extra":true}""")]
    public void Money_IsReadFromAStringOrANumber(string json) =>
        Assert.Equal(new Money(12.50m, "USD"), Read<Money>(json));

    [Theory]
    [InlineData("""{"amount":"twelve","currency":"USD"}""")]
    [InlineData("""{"amount":"1.00"}""")]
    public void Money_WithABadAmountOrNoCurrency_IsRefused(string json) =>
        Assert.Throws<JsonException>(() => Read<Money>(json));

    [Fact]
    public void EarnRequest_IsSnakeCase_WithUpperSnakeEnums_AndLeavesOutNulls()
    {
        var request = new EarnEventRequest("xcn_u_1001", "ord-42", EarnProduct.Membership, new Money(19.99m, "USD"), PostingMode.Pending);

        AssertSameJson(
            """{"xcn_user_id":"xcn_u_1001","order_number":"ord-42","product":"MEMBERSHIP","amount":{"amount":"19.99","currency":"USD"},"posting_mode":"PENDING"}""",
            Write(request));
    }

    [Fact]
    public void Timestamps_AreWrittenAsUtcWithZ()
    {
        var approval = new XcnApproval("xcn_u_9001", new DateTimeOffset(2026, 11, 25, 14, 0, 0, TimeSpan.FromHours(1)));

        AssertSameJson("""{"approver_id":"xcn_u_9001","approved_at":"2026-11-25T13:00:00Z"}""", Write(approval));
    }

    [Fact]
    public void Wallet_RoundTrips()
    {
        const string json = """
            {"rrr_member_id":"rrr_m_1001","available_points":1250,"pending_points":40,"escrow_points":0,
             "expiring_soon":[{"points":300,"expires_at":"2026-12-01T00:00:00Z"}],"as_of":"2026-11-25T13:00:00Z","version":7}
            """;

        var wallet = Read<MemberWallet>(json);

        Assert.Equal(1250, wallet.AvailablePoints);
        Assert.Equal(300, Assert.Single(wallet.ExpiringSoon).Points);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero), wallet.AsOf);
        AssertSameJson(json, Write(wallet));
    }

    [Fact]
    public void LinkState_NotLinked_HasNoOptionalMembers_AndIgnoresUnknownOnes()
    {
        var state = Read<LinkState>("""{"xcn_user_id":"xcn_u_1002","status":"NOT_LINKED","version":0,"future_member":1}""");

        Assert.Equal(new LinkState("xcn_u_1002", LinkStatus.NotLinked, null, null, null, null, 0), state);
    }

    [Fact]
    public void LinkState_Linked_ReadsEveryMember()
    {
        var state = Read<LinkState>("""
            {"xcn_user_id":"xcn_u_1001","status":"LINKED","link_id":"lnk_1","rrr_member_id":"rrr_m_1001",
             "link_type":"ACCOUNT","linked_at":"2026-11-25T13:00:00Z","version":3}
            """);

        Assert.Equal(LinkStatus.Linked, state.Status);
        Assert.Equal(LinkType.Account, state.LinkType);
        Assert.Equal("rrr_m_1001", state.RrrMemberId);
    }

    [Fact]
    public void LedgerPage_ReadsTypesStatusesAndSignedPoints()
    {
        var page = Read<LedgerPage>("""
            {"items":[
              {"entry_id":"e2","type":"REDEMPTION_HOLD","points":-200,"status":"POSTED","created_at":"2026-11-25T13:00:00Z","reference":"q_1","trace_id":"abc"},
              {"entry_id":"e1","type":"EARN_REVERSAL","points":-40,"status":"PENDING","created_at":"2026-11-24T13:00:00Z","reference":null,"trace_id":null}],
             "next_cursor":null}
            """);

        Assert.Equal([LedgerEntryType.RedemptionHold, LedgerEntryType.EarnReversal], page.Items.Select(i => i.Type));
        Assert.Equal(-200, page.Items[0].Points);
        Assert.Equal(LedgerEntryStatus.Pending, page.Items[1].Status);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public void RedemptionOptions_ReadMoneyAndSteps()
    {
        var options = Read<RedemptionOptions>("""
            {"rrr_member_id":"rrr_m_1001","available_points":1250,"point_value":{"amount":"0.01","currency":"USD"},
             "max_points":1200,"options":[{"points":100,"value":{"amount":"1.00","currency":"USD"}}]}
            """);

        Assert.Equal(new Money(0.01m, "USD"), options.PointValue);
        Assert.Equal(new RedemptionOption(100, new Money(1.00m, "USD")), Assert.Single(options.Options));
    }

    [Fact]
    public void Promotion_RoundTripsWithApprovals()
    {
        const string json = """
            {"promotion_id":"pr_1","name":"Double weekend","kind":"BONUS_POINTS","value":250,
             "starts_at":"2026-12-01T00:00:00Z","ends_at":"2026-12-03T00:00:00Z","audience":"ALL_MEMBERS",
             "budget_cap_points":100000,"status":"PENDING_APPROVAL","created_by":"xcn_u_9001","version":2,
             "approvals":[{"approver_id":"xcn_u_9002","approver_role":"XCN_ADMIN","decision":"APPROVE",
               "decided_at":"2026-11-25T13:00:00Z","promotion_version":2}],
             "created_at":"2026-11-24T13:00:00Z","updated_at":"2026-11-25T13:00:00Z"}
            """;

        var promotion = Read<Promotion>(json);

        Assert.Equal(PromotionStatus.PendingApproval, promotion.Status);
        Assert.Equal(ApproverRole.XcnAdmin, Assert.Single(promotion.Approvals).ApproverRole);
        AssertSameJson(json, Write(promotion));
    }

    [Fact]
    public void PromotionPatch_SendsOnlyTheChangedMembers() =>
        AssertSameJson("""{"name":"New name","audience":"NEW_MEMBERS"}""",
            Write(new UpdatePromotionRequest { Name = "New name", Audience = PromotionAudience.NewMembers }));

    [Fact]
    public void Adjustment_RequestAndResponse_UseTheWireNames()
    {
        var request = new CreateAdjustmentRequest(
            "rrr_m_1001", -600, AdjustmentReason.ServiceRecovery, "T-1", "xcn_u_9001",
            [new XcnApproval("xcn_u_9002", new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero))]);

        AssertSameJson(
            """
            {"rrr_member_id":"rrr_m_1001","points":-600,"reason_code":"SERVICE_RECOVERY","ticket_id":"T-1",
             "requested_by":"xcn_u_9001","xcn_approvals":[{"approver_id":"xcn_u_9002","approved_at":"2026-11-25T13:00:00Z"}]}
            """,
            Write(request));

        var adjustment = Read<Adjustment>("""
            {"adjustment_id":"adj_1","rrr_member_id":"rrr_m_1001","points":-600,"reason_code":"PROMOTION_MAKEGOOD",
             "ticket_id":"T-1","requested_by":"xcn_u_9001","status":"PENDING_RRR_APPROVAL","required_xcn_approvals":2,
             "requires_rrr_approval":true,"xcn_approvals":[],"created_at":"2026-11-25T13:00:00Z","version":1}
            """);
        Assert.Equal(AdjustmentStatus.PendingRrrApproval, adjustment.Status);
        Assert.Equal(AdjustmentReason.PromotionMakegood, adjustment.ReasonCode);
        Assert.True(adjustment.RequiresRrrApproval);
        Assert.Null(adjustment.RrrApproval);
    }

    [Fact]
    public void UnknownEnumValue_IsRefused_RatherThanGuessed() =>
        Assert.Throws<JsonException>(() => Read<LinkState>("""{"xcn_user_id":"x","status":"SUSPENDED","version":0}"""));
}
