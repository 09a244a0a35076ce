using Microsoft.Extensions.Localization;

namespace Rrr.Core.Features.Adjustments;

/// <summary>The thresholds RRR recounts (docs/rrr-wire.md, Adjustments), applied here first so the form can show them.</summary>
public static class AdjustmentPolicy
{
    public const string Kind = "adjustment";

    /// <summary>|points| ≤ 100 → 1 XCN admin; 101–500 → 2 distinct; above 500 → 2 distinct + 1 RRR admin.</summary>
    public static ApprovalPolicy For(long points) => Math.Abs(points) switch
    {
        <= 100 => new ApprovalPolicy(1, false),
        <= 500 => new ApprovalPolicy(2, false),
        _ => new ApprovalPolicy(2, true),
    };
}

/// <summary>What an admin fills in. The member is named by XCN user id; the RRR member is looked up, never typed.</summary>
public sealed record AdjustmentForm(string XcnUserId, long Points, AdjustmentReason? ReasonCode, string TicketId);

/// <summary>The form's rules; the messages come from AdjustmentFormValidator.resx (and .es) in the reader's language.</summary>
public sealed class AdjustmentFormValidator : AbstractValidator<AdjustmentForm>
{
    /// <summary>A sanity bound: anything larger is not a customer-service adjustment.</summary>
    public const long MaxAbsPoints = 1_000_000;

    public AdjustmentFormValidator(IStringLocalizer<AdjustmentFormValidator> l)
    {
        ArgumentNullException.ThrowIfNull(l);

        // Messages are looked up when a rule fails (not here), so a singleton validator answers in each request's culture.
        RuleFor(f => f.XcnUserId).NotEmpty().WithMessage(_ => l["MemberRequired"])
            .MaximumLength(100).Matches(@"^[A-Za-z0-9_-]+\z").WithMessage(_ => l["MemberPattern"]);
        RuleFor(f => f.Points).NotEqual(0).WithMessage(_ => l["PointsZero"])
            .InclusiveBetween(-MaxAbsPoints, MaxAbsPoints).WithMessage(_ => l["PointsTooLarge", MaxAbsPoints.ToString("N0", CultureInfo.CurrentCulture)]);
        RuleFor(f => f.ReasonCode).NotNull().WithMessage(_ => l["ReasonRequired"]).IsInEnum();
        RuleFor(f => f.TicketId).NotEmpty().WithMessage(_ => l["TicketRequired"])
            .MaximumLength(64).Matches(@"^[A-Za-z0-9_.#/-]+\z").WithMessage(_ => l["TicketPattern"]);
    }
}

/// <summary>The adjustment an approval request carries out; stored as the request's payload.</summary>
public sealed record AdjustmentPayload(
    [property: JsonPropertyName("xcn_user_id")] string XcnUserId,
    [property: JsonPropertyName("rrr_member_id")] string RrrMemberId,
    [property: JsonPropertyName("points")] long Points,
    [property: JsonPropertyName("reason_code")] AdjustmentReason ReasonCode,
    [property: JsonPropertyName("ticket_id")] string TicketId)
{
    public string ToJson() => ApprovalPayloadJson.Serialize(this);

    public static AdjustmentPayload FromJson(string json) => ApprovalPayloadJson.Deserialize<AdjustmentPayload>(json, AdjustmentPolicy.Kind);
}

/// <summary>RRR's side of an adjustment as the portal shows it; <see cref="PostFailed"/> when RRR refused the post.</summary>
public static class AdjustmentOutcomes
{
    public const string Posted = "POSTED";
    public const string PendingRrrApproval = "PENDING_RRR_APPROVAL";
    public const string Rejected = "REJECTED";
    public const string PostFailed = "POST_FAILED";

    /// <summary>The error code of a post refused because the request no longer matches its approval chain.</summary>
    public const string ChainBroken = "chain_broken";

    public static string Text(AdjustmentStatus status) => status switch
    {
        AdjustmentStatus.Posted => Posted,
        AdjustmentStatus.PendingRrrApproval => PendingRrrApproval,
        _ => Rejected,
    };
}

/// <summary>One adjustment request as the admin page shows it.</summary>
public sealed record AdjustmentView(ApprovalView Approval, AdjustmentPayload Payload, DateTimeOffset Now)
{
    public string Id => Approval.Request.Id;

    public ApprovalStatus Status => Approval.Request.StatusAt(Now);

    public ApprovalPolicy Policy => Approval.Request.Policy;

    public ApprovalOutcome? Outcome => Approval.Request.Outcome;

    /// <summary>What the page shows as the single status.</summary>
    public string DisplayStatus => Outcome?.Status ?? ApprovalCodes.StatusText(Status);

    /// <summary>"1 of 2 XCN approvals · RRR approval needed".</summary>
    public string Progress
    {
        get
        {
            var count = Math.Min(Approval.CurrentApprovals.Count, Policy.RequiredXcnApprovers);
            var text = $"{count} of {Policy.RequiredXcnApprovers} XCN approval{(Policy.RequiredXcnApprovers == 1 ? "" : "s")}";
            if (Policy.RequiresRrrAdmin)
            {
                text += Outcome?.Status switch
                {
                    AdjustmentOutcomes.Posted => " · RRR approved",
                    AdjustmentOutcomes.Rejected => " · RRR rejected",
                    _ => " · RRR approval needed",
                };
            }

            return text;
        }
    }
}
