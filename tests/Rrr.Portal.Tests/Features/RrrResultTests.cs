using Rrr.Core.Features;
using Rrr.Core.Features.Adjustments;
using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Members;
using Rrr.Core.Features.Promotions;
using Rrr.Core.Rrr.Http;

namespace Rrr.Portal.Tests.Features;

/// <summary>The one place an RRR client exception or a portal refusal becomes a result: codes survive, outages stay outages.</summary>
public sealed class RrrResultTests
{
    [Fact]
    public async Task Call_WhenRrrRefuses_IsAProblem_WithRrrsCodeDetailAndFieldErrors()
    {
        var problem = new RrrProblem
        {
            Status = 422,
            Code = RrrErrorCodes.InsufficientPoints,
            Detail = "Only 40 points available.",
            Errors = new Dictionary<string, string[]> { ["points"] = ["too many"] },
        };

        var result = await RrrResult.CallAsync<int>(() => throw new RrrProblemException(problem, "IRrrRedemptionsApi.CreateQuoteAsync", "trace_1"));

        Assert.Equal(RrrResultKind.Problem, result.Kind);
        Assert.True(result.Is(RrrErrorCodes.InsufficientPoints));
        Assert.Equal("Only 40 points available.", result.Detail);
        Assert.Null(result.Message);
        Assert.Equal(["too many"], result.Errors["points"]);
        Assert.False(result.IsUnavailable);
    }

    [Fact]
    public async Task Call_WhenRrrIsUnreachable_IsUnavailable_NotAProblem_AndKeepsRetryAfter()
    {
        var result = await RrrResult.CallAsync<int>(() => throw new RrrUnavailableException(
            RrrUnavailableReason.ServerError, "IRrrWalletApi.GetWalletAsync", "trace_2",
            problem: new RrrProblem { Status = 503, Code = RrrErrorCodes.ServiceUnavailable }, retryAfter: TimeSpan.FromSeconds(7)));

        Assert.Equal(RrrResultKind.Unavailable, result.Kind);
        Assert.False(result.IsProblem);
        Assert.Equal(RrrResult.UnavailableCode, result.Code);
        Assert.False(result.Is(RrrErrorCodes.ServiceUnavailable));
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }

    [Fact]
    public async Task Call_WhenAPortalRuleRefuses_IsAProblem_WithTheRulesCodeAndWords()
    {
        var promotion = await RrrResult.CallAsync<int>(() => throw new PromotionRefusedException(
            PromotionRefusedException.Invalid, "Name is required.", new Dictionary<string, string[]> { ["Name"] = ["Name is required."] }));
        var adjustment = await RrrResult.CallAsync<int>(() => throw new AdjustmentRefusedException(AdjustmentRefusedException.OwnAccount, "Not your own."));
        var rule = await RrrResult.CallAsync<int>(() => throw new ApprovalRuleException(ApprovalErrors.MakerCannotApprove, "The maker cannot approve."));
        var nobody = await RrrResult.CallAsync<int>(() => throw new MemberIdentityMissingException());

        Assert.Equal((RrrResultKind.Problem, PromotionRefusedException.Invalid, "Name is required."), (promotion.Kind, promotion.Code, promotion.Message));
        Assert.Equal(["Name is required."], promotion.Errors["Name"]);
        Assert.Equal((RrrResultKind.Problem, AdjustmentRefusedException.OwnAccount, "Not your own."), (adjustment.Kind, adjustment.Code, adjustment.Message));
        Assert.Equal((RrrResultKind.Problem, ApprovalErrors.MakerCannotApprove), (rule.Kind, rule.Code));
        Assert.True(nobody.Is(RrrResult.NotSignedIn));
    }

    [Fact]
    public async Task Call_APortalRefusalThatSaysRrrIsDown_IsUnavailable_WithItsWords()
    {
        var result = await RrrResult.CallAsync<int>(() => throw new PromotionRefusedException(PromotionRefusedException.RrrUnavailable, "Send it again shortly."));

        Assert.Equal((RrrResultKind.Unavailable, "Send it again shortly."), (result.Kind, result.Message));
    }

    [Fact]
    public async Task Call_OkAndBugs_AreNotTurnedIntoProblems()
    {
        var ok = await RrrResult.CallAsync(() => Task.FromResult(42));

        Assert.Equal((RrrResultKind.Ok, 42, ""), (ok.Kind, ok.Value, ok.Code));
        await Assert.ThrowsAsync<InvalidOperationException>(() => RrrResult.CallAsync<int>(() => throw new InvalidOperationException("a bug")));
        await Assert.ThrowsAsync<OperationCanceledException>(() => RrrResult.CallAsync<int>(() => throw new OperationCanceledException()));
    }

    [Fact]
    public void Failed_CarriesTheSameFailureToAnotherType()
    {
        var problem = RrrResult.Problem<int>(RrrErrorCodes.NotFound, "gone", detail: "RRR: gone");

        var carried = problem.Failed<string>();

        Assert.Equal((RrrResultKind.Problem, RrrErrorCodes.NotFound, "gone", "RRR: gone"), (carried.Kind, carried.Code, carried.Message, carried.Detail));
        Assert.Throws<InvalidOperationException>(() => RrrResult.Ok(1).Failed<string>());
    }
}
