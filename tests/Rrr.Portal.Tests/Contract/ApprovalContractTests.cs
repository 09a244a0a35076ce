using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Adjustments;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Promotions;
using Rrr.Core.Rrr.Wallet;

namespace Rrr.Portal.Tests.Contract;

/// <summary>RRR's own quorum checks, reached through the real client: the portal's rules are not the only line.</summary>
public sealed class ApprovalContractTests(ContractSandbox rrr) : IClassFixture<ContractSandbox>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Promotion_NeedsTwoDistinctXcnAdminsAndAnRrrAdmin_AndRefusesTheMakerAndRepeats()
    {
        var promotions = rrr.Api<IRrrPromotionsApi>();
        var starts = DateTimeOffset.UtcNow.AddDays(1);
        var created = await promotions.CreateAsync(
            new CreatePromotionRequest("Double points weekend", PromotionKind.Multiplier, 2m, starts, starts.AddDays(2), PromotionAudience.AllMembers, 50_000, "xcn_u_9001"),
            IdempotencyKeys.PromotionCreate(Guid.NewGuid().ToString("N")), Ct);
        var submitted = await promotions.SubmitAsync(
            created.PromotionId, new SubmitPromotionRequest("xcn_u_9001"), IdempotencyKeys.PromotionSubmit(created.PromotionId, created.Version), Ct);

        Task<Promotion> Decide(string approver, ApproverRole role, long version) => promotions.DecideAsync(
            created.PromotionId,
            new ApprovalDecisionRequest(approver, role, ApprovalDecision.Approve),
            IdempotencyKeys.PromotionDecision(created.PromotionId, version, approver) + "_" + Guid.NewGuid().ToString("N")[..6],
            Ct);

        var maker = await Assert.ThrowsAsync<RrrProblemException>(() => Decide("xcn_u_9001", ApproverRole.XcnAdmin, submitted.Version));
        var first = await Decide("xcn_u_9002", ApproverRole.XcnAdmin, submitted.Version);
        var repeat = await Assert.ThrowsAsync<RrrProblemException>(() => Decide("xcn_u_9002", ApproverRole.XcnAdmin, first.Version));
        var second = await Decide("xcn_u_9003", ApproverRole.XcnAdmin, first.Version);
        var rrrAdmin = await Decide("rrr_a_0001", ApproverRole.RrrAdmin, second.Version);

        Assert.Equal(PromotionStatus.PendingApproval, submitted.Status);
        Assert.Equal((422, RrrErrorCodes.ApprovalNotAllowed), (maker.Status, maker.Code));
        Assert.Equal((409, RrrErrorCodes.AlreadyDecided), (repeat.Status, repeat.Code));
        Assert.Equal(PromotionStatus.PendingApproval, second.Status);
        Assert.Equal(PromotionStatus.Active, rrrAdmin.Status);
        Assert.Equal(3, rrrAdmin.Approvals.Count);
        Assert.Equal(PromotionStatus.Active, (await promotions.GetAsync(created.PromotionId, Ct)).Status);
    }

    [Theory]
    [InlineData(50, 1, AdjustmentStatus.Posted)]
    [InlineData(300, 2, AdjustmentStatus.Posted)]
    [InlineData(800, 2, AdjustmentStatus.PendingRrrApproval)]
    public async Task Adjustment_FollowsRrrsThresholds(long points, int approvers, AdjustmentStatus expected)
    {
        var link = await rrr.LinkNewUserAsync();
        var approvals = new[] { "xcn_u_9001", "xcn_u_9002" }.Take(approvers)
            .Select(a => new XcnApproval(a, DateTimeOffset.UtcNow)).ToList();

        var adjustment = await rrr.Api<IRrrAdjustmentsApi>().CreateAsync(
            new CreateAdjustmentRequest(link.RrrMemberId, points, AdjustmentReason.Goodwill, "TCK-1", "xcn_u_9003", approvals),
            IdempotencyKeys.AdjustmentCreate(Guid.NewGuid().ToString("N")), Ct);

        Assert.Equal(expected, adjustment.Status);
        var wallet = await rrr.Api<IRrrWalletApi>().GetWalletAsync(link.RrrMemberId, Ct);
        Assert.Equal(expected == AdjustmentStatus.Posted ? points : 0, wallet.AvailablePoints);
    }

    [Fact]
    public async Task Adjustment_WithTooFewApprovers_IsRefused_AndALargeOnePostsOnlyAfterTheRrrAdmin()
    {
        var link = await rrr.LinkNewUserAsync();
        var adjustments = rrr.Api<IRrrAdjustmentsApi>();
        var one = new[] { new XcnApproval("xcn_u_9001", DateTimeOffset.UtcNow) };
        var two = new[] { new XcnApproval("xcn_u_9001", DateTimeOffset.UtcNow), new XcnApproval("xcn_u_9002", DateTimeOffset.UtcNow) };

        var tooFew = await Assert.ThrowsAsync<RrrProblemException>(() => adjustments.CreateAsync(
            new CreateAdjustmentRequest(link.RrrMemberId, 300, AdjustmentReason.Correction, "TCK-2", "xcn_u_9003", one),
            IdempotencyKeys.AdjustmentCreate(Guid.NewGuid().ToString("N")), Ct));
        var pending = await adjustments.CreateAsync(
            new CreateAdjustmentRequest(link.RrrMemberId, 800, AdjustmentReason.Correction, "TCK-3", "xcn_u_9003", two),
            IdempotencyKeys.AdjustmentCreate(Guid.NewGuid().ToString("N")), Ct);
        var posted = await adjustments.DecideAsync(
            pending.AdjustmentId,
            new ApprovalDecisionRequest("rrr_a_0001", ApproverRole.RrrAdmin, ApprovalDecision.Approve),
            IdempotencyKeys.AdjustmentDecision(pending.AdjustmentId, "rrr_a_0001"), Ct);

        Assert.Equal((422, RrrErrorCodes.ApprovalQuorumNotMet), (tooFew.Status, tooFew.Code));
        Assert.Equal(AdjustmentStatus.Posted, posted.Status);
        Assert.Equal("rrr_a_0001", posted.RrrApproval?.ApproverId);
        Assert.Equal(800, (await rrr.Api<IRrrWalletApi>().GetWalletAsync(link.RrrMemberId, Ct)).AvailablePoints);
    }
}
