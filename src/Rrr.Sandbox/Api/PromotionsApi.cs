namespace Rrr.Sandbox.Api;

internal sealed record PromotionBody(
    string? Name, string? Kind, decimal? Value, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Audience, long? BudgetCapPoints, string? CreatedBy);

internal sealed record SubmitBody(string? SubmittedBy);

internal sealed record DecisionBody(string? ApproverId, string? ApproverRole, string? Decision, string? Reason);

internal static class PromotionsApi
{
    private static readonly string[] Roles = ["XCN_ADMIN", "RRR_ADMIN"];
    private static readonly string[] Verdicts = ["APPROVE", "REJECT"];

    public static RouteGroupBuilder MapPromotionsApi(this RouteGroupBuilder v1)
    {
        var promotions = v1.MapGroup("/promotions");
        promotions.MapPost("/", CreateAsync);
        promotions.MapPatch("/{promotionId}", UpdateAsync);
        promotions.MapPost("/{promotionId}/submit", async (string promotionId, SubmitBody? body, LedgerPromotions ledger, CancellationToken ct) =>
            TypedResults.Ok(await ledger.SubmitPromotionAsync(promotionId, ct)));
        promotions.MapPost("/{promotionId}/approvals", async (string promotionId, DecisionBody body, LedgerPromotions ledger, CancellationToken ct) =>
            TypedResults.Ok(await ledger.DecidePromotionAsync(promotionId, ValidDecision(body, Roles), ct)));
        promotions.MapGet("/", async (string? status, LedgerPromotions ledger, CancellationToken ct) =>
            TypedResults.Ok(new { items = await ledger.ListPromotionsAsync(status, ct) }));
        promotions.MapGet("/{promotionId}", async (string promotionId, LedgerPromotions ledger, CancellationToken ct) =>
            TypedResults.Ok(await ledger.GetPromotionAsync(promotionId, ct)));
        return v1;
    }

    /// <summary>A decision as the contract allows it; REJECT needs a reason.</summary>
    internal static ApprovalDecision ValidDecision(DecisionBody body, IReadOnlyCollection<string> roles)
    {
        var errors = new RequestErrors();
        var decision = new ApprovalDecision(
            errors.Required(body.ApproverId, "approver_id"), errors.OneOf(body.ApproverRole, "approver_role", roles),
            errors.OneOf(body.Decision, "decision", Verdicts), string.IsNullOrWhiteSpace(body.Reason) ? null : body.Reason);
        errors.Check(decision.Verdict != "REJECT" || decision.Reason is not null, "reason", "A rejection needs a reason.");
        errors.Check(decision.Reason is null || decision.Reason.Length <= 500, "reason", "At most 500 characters.");
        errors.ThrowIfAny();
        return decision;
    }

    private static async Task<IResult> CreateAsync(PromotionBody body, LedgerPromotions ledger, CancellationToken ct)
    {
        var errors = new RequestErrors();
        errors.Required(body.Name, "name");
        errors.OneOf(body.Kind, "kind", LedgerPromotions.PromotionKinds);
        errors.OneOf(body.Audience, "audience", LedgerPromotions.Audiences);
        errors.Check(body.Value > 0, "value", "The value must be positive.");
        errors.Check(body.StartsAt is not null, "starts_at", "This field is required.");
        errors.Check(body.EndsAt is not null && (body.StartsAt is null || body.EndsAt > body.StartsAt), "ends_at", "ends_at must be after starts_at.");
        errors.Check(body.BudgetCapPoints > 0, "budget_cap_points", "The budget cap must be positive.");
        var createdBy = errors.Required(body.CreatedBy, "created_by");
        errors.ThrowIfAny();
        var promotion = await ledger.CreatePromotionAsync(Fields(body), createdBy, ct);
        return TypedResults.Json(promotion, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateAsync(string promotionId, PromotionBody body, LedgerPromotions ledger, CancellationToken ct)
    {
        var errors = new RequestErrors();
        errors.Check(body.Name is null || (body.Name.Length is > 0 and <= 200), "name", "The name must be 1 to 200 characters.");
        errors.Check(body.Kind is null || LedgerPromotions.PromotionKinds.Contains(body.Kind), "kind", "Must be MULTIPLIER or BONUS_POINTS.");
        errors.Check(body.Audience is null || LedgerPromotions.Audiences.Contains(body.Audience), "audience", "Must be ALL_MEMBERS, NEW_MEMBERS or MODELS.");
        errors.Check(body.Value is null || body.Value > 0, "value", "The value must be positive.");
        errors.Check(body.BudgetCapPoints is null || body.BudgetCapPoints > 0, "budget_cap_points", "The budget cap must be positive.");
        errors.ThrowIfAny();
        return TypedResults.Ok(await ledger.UpdatePromotionAsync(promotionId, Fields(body), ct));
    }

    private static PromotionFields Fields(PromotionBody body) =>
        new(body.Name, body.Kind, body.Value, body.StartsAt, body.EndsAt, body.Audience, body.BudgetCapPoints);
}
