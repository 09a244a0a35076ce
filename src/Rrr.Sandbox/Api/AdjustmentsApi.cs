namespace Rrr.Sandbox.Api;

internal sealed record XcnApprovalBody(string? ApproverId, DateTimeOffset? ApprovedAt);

internal sealed record AdjustmentBody(
    string? RrrMemberId, long? Points, string? ReasonCode, string? TicketId, string? RequestedBy, IReadOnlyList<XcnApprovalBody>? XcnApprovals);

internal static class AdjustmentsApi
{
    private static readonly string[] RrrRole = ["RRR_ADMIN"];

    public static RouteGroupBuilder MapAdjustmentsApi(this RouteGroupBuilder v1)
    {
        var adjustments = v1.MapGroup("/adjustments");
        adjustments.MapPost("/", CreateAsync);
        adjustments.MapPost("/{adjustmentId}/approvals", async (string adjustmentId, DecisionBody body, LedgerAdjustments ledger, CancellationToken ct) =>
            TypedResults.Ok(await ledger.DecideAdjustmentAsync(adjustmentId, PromotionsApi.ValidDecision(body, RrrRole), ct)));
        adjustments.MapGet("/{adjustmentId}", async (string adjustmentId, LedgerAdjustments ledger, CancellationToken ct) =>
            TypedResults.Ok(await ledger.GetAdjustmentAsync(adjustmentId, ct)));
        adjustments.MapGet("/", async (string? status, LedgerAdjustments ledger, CancellationToken ct) =>
            TypedResults.Ok(new { items = await ledger.ListAdjustmentsAsync(status, ct) }));
        return v1;
    }

    private static async Task<IResult> CreateAsync(AdjustmentBody body, LedgerAdjustments ledger, CancellationToken ct)
    {
        var errors = new RequestErrors();
        var approvals = body.XcnApprovals ?? [];
        errors.Check(approvals.All(a => !string.IsNullOrWhiteSpace(a.ApproverId)), "xcn_approvals", "Every approval needs an approver_id.");
        var request = new AdjustmentRequest(
            errors.Required(body.RrrMemberId, "rrr_member_id"), body.Points ?? 0, errors.OneOf(body.ReasonCode, "reason_code", LedgerAdjustments.ReasonCodes),
            errors.Required(body.TicketId, "ticket_id"), errors.Required(body.RequestedBy, "requested_by"),
            approvals.Where(a => !string.IsNullOrWhiteSpace(a.ApproverId)).Select(a => new XcnApproval(a.ApproverId!, a.ApprovedAt)).ToList());
        errors.Check(body.Points is not null and not 0, "points", "Points must be a non-zero whole number.");
        errors.ThrowIfAny();
        return TypedResults.Json(await ledger.CreateAdjustmentAsync(request, ct), statusCode: StatusCodes.Status201Created);
    }
}
