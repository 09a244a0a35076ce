using System.Net;
using System.Text.Json;

namespace Rrr.Portal.Tests.Sandbox.Ledger;

public sealed class ApprovalTests : SandboxLedgerTest
{
    [Fact]
    public async Task Promotion_NeedsTwoDistinctXcnAdminsAndOneRrrAdmin()
    {
        var id = await SubmittedPromotionAsync();

        var byCreator = await Decide(id, "xcn_u_9001", "XCN_ADMIN");
        var first = await Decide(id, "xcn_u_9002", "XCN_ADMIN");
        var repeat = await Decide(id, "xcn_u_9002", "XCN_ADMIN");
        var rrr = await Decide(id, "rrr_a_0001", "RRR_ADMIN");
        var stillPending = rrr.Json.GetProperty("status").GetString();
        var second = await Decide(id, "xcn_u_9003", "XCN_ADMIN");

        Assert.Equal((HttpStatusCode)422, byCreator.Status);
        Assert.Equal("approval_not_allowed", byCreator.Json.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, repeat.Status);
        Assert.Equal("already_decided", repeat.Json.GetProperty("code").GetString());
        Assert.Equal("PENDING_APPROVAL", stillPending);
        Assert.Equal("ACTIVE", second.Json.GetProperty("status").GetString());
        Assert.Equal(3, second.Json.GetProperty("approvals").GetArrayLength());
        Assert.Contains(Sandbox.Events.OfType("PROMOTION_STATUS_CHANGED"), e => (string?)e["status"] == "ACTIVE");
    }

    [Fact]
    public async Task Promotion_Reject_NeedsAReason_AndEditStartsANewRound()
    {
        var id = await SubmittedPromotionAsync();
        await Decide(id, "xcn_u_9002", "XCN_ADMIN");

        var noReason = await Decide(id, "rrr_a_0001", "RRR_ADMIN", "REJECT");
        var rejected = await Decide(id, "rrr_a_0001", "RRR_ADMIN", "REJECT", "Budget too high");
        var (patchStatus, patched, _) = await Sandbox.SendAsync(HttpMethod.Patch, $"/v1/promotions/{id}", new { budget_cap_points = 10_000 });

        Assert.Equal((HttpStatusCode)422, noReason.Status);
        Assert.Equal("REJECTED", rejected.Json.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, patchStatus);
        Assert.Equal("DRAFT", patched.GetProperty("status").GetString());
        Assert.Equal(0, patched.GetProperty("approvals").GetArrayLength());
        Assert.Equal(10_000, patched.GetProperty("budget_cap_points").GetInt64());
    }

    [Fact]
    public async Task ActivePromotion_EndsAfterEndsAt_OnTheSandboxClock()
    {
        var id = await SubmittedPromotionAsync();
        await Decide(id, "xcn_u_9002", "XCN_ADMIN");
        await Decide(id, "xcn_u_9003", "XCN_ADMIN");
        await Decide(id, "rrr_a_0001", "RRR_ADMIN");

        await Sandbox.AdvanceClockAsync(24 * 8);
        var promotion = await Sandbox.GetOkAsync($"/v1/promotions/{id}");
        var ended = await Sandbox.GetOkAsync("/v1/promotions?status=ENDED");

        Assert.Equal("ENDED", promotion.GetProperty("status").GetString());
        Assert.Single(ended.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData(50, 1, "POSTED")]
    [InlineData(300, 2, "POSTED")]
    [InlineData(800, 2, "PENDING_RRR_APPROVAL")]
    public async Task Adjustment_ThresholdsAreRecounted(long points, int approvers, string expected)
    {
        var tooFew = await Sandbox.PostAsync("/v1/adjustments", Adjustment(points, approvers - 1));
        var (status, json, _) = await Sandbox.PostAsync("/v1/adjustments", Adjustment(points, approvers));

        Assert.Equal((HttpStatusCode)422, tooFew.Status);
        Assert.Equal("approval_quorum_not_met", tooFew.Json.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(expected, json.GetProperty("status").GetString());
        Assert.Equal(approvers, json.GetProperty("required_xcn_approvals").GetInt32());
        Assert.Equal(expected == "POSTED" ? 80 + points : 80, await Sandbox.AvailableAsync("rrr_m_1003"));
    }

    [Fact]
    public async Task LargeAdjustment_PostsOnceAnRrrAdminApproves()
    {
        var created = await Sandbox.PostOkAsync("/v1/adjustments", Adjustment(800, 2), HttpStatusCode.Created);
        var id = created.GetProperty("adjustment_id").GetString();

        var approved = await Sandbox.PostOkAsync($"/v1/adjustments/{id}/approvals", new { approver_id = "rrr_a_0001", approver_role = "RRR_ADMIN", decision = "APPROVE" });
        var again = await Sandbox.PostAsync($"/v1/adjustments/{id}/approvals", new { approver_id = "rrr_a_0002", approver_role = "RRR_ADMIN", decision = "APPROVE" });

        Assert.Equal("POSTED", approved.GetProperty("status").GetString());
        Assert.Equal("rrr_a_0001", approved.GetProperty("rrr_approval").GetProperty("approver_id").GetString());
        Assert.Equal(880, await Sandbox.AvailableAsync("rrr_m_1003"));
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
    }

    [Fact]
    public async Task Adjustment_RequesterAmongApprovers_AndOverdraft_AreRefused()
    {
        var self = await Sandbox.PostAsync("/v1/adjustments", Adjustment(50, 1, requestedBy: "xcn_u_9101"));
        var overdraft = await Sandbox.PostAsync("/v1/adjustments", Adjustment(-90, 1));

        Assert.Equal("approval_not_allowed", self.Json.GetProperty("code").GetString());
        Assert.Equal("insufficient_points", overdraft.Json.GetProperty("code").GetString());
    }

    private async Task<string> SubmittedPromotionAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var created = await Sandbox.PostOkAsync("/v1/promotions", new
        {
            name = "Double points weekend",
            kind = "MULTIPLIER",
            value = 2,
            starts_at = now.AddDays(1),
            ends_at = now.AddDays(3),
            audience = "ALL_MEMBERS",
            budget_cap_points = 50_000,
            created_by = "xcn_u_9001",
        }, HttpStatusCode.Created);
        var id = created.GetProperty("promotion_id").GetString()!;
        var submitted = await Sandbox.PostOkAsync($"/v1/promotions/{id}/submit", new { submitted_by = "xcn_u_9001" });
        Assert.Equal("PENDING_APPROVAL", submitted.GetProperty("status").GetString());
        return id;
    }

    private Task<(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Response)> Decide(
        string id, string approver, string role, string decision = "APPROVE", string? reason = null) =>
        Sandbox.PostAsync($"/v1/promotions/{id}/approvals", new { approver_id = approver, approver_role = role, decision, reason });

    private static object Adjustment(long points, int approvers, string requestedBy = "xcn_u_9100") => new
    {
        rrr_member_id = "rrr_m_1003",
        points,
        reason_code = "GOODWILL",
        ticket_id = "T-1",
        requested_by = requestedBy,
        xcn_approvals = Enumerable.Range(0, approvers).Select(i => new { approver_id = "xcn_u_91" + (i + 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture), approved_at = DateTimeOffset.UtcNow }).ToArray(),
    };
}
