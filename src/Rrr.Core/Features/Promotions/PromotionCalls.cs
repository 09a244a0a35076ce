using Microsoft.Extensions.Localization;

namespace Rrr.Core.Features.Promotions;

/// <summary>
/// The promotion service's way to RRR and to the audit: every call that changes a promotion goes through
/// <see cref="CallAsync"/>, so each one leaves an audit event with its trace id and key, and RRR's refusals
/// become the admin's words before they leave Core.
/// </summary>
internal sealed class PromotionCalls(IAuditStore audit, TimeProvider time, IStringLocalizer<PromotionServiceText> text)
{
    /// <summary>
    /// One RRR call with its audit event: the trace id is the one the call carried (so /admin/audit links the
    /// event to the call), the outcome RRR's status or the refusal, and RRR's refusals become clear messages.
    /// </summary>
    public async Task<Promotion> CallAsync(
        string adminId, string auditKind, string? promotionId, string key, Func<Task<Promotion>> call, CancellationToken cancellationToken)
    {
        using var activity = Activity.Current is null ? new Activity(auditKind).Start() : null;
        var traceId = Activity.Current?.TraceId.ToHexString();
        try
        {
            var result = await call();
            await AuditAsync(adminId, auditKind, result.PromotionId, traceId, key, PromotionStatusText.Code(result.Status), cancellationToken);
            return result;
        }
        catch (RrrProblemException ex)
        {
            await AuditAsync(adminId, auditKind, promotionId, ex.TraceId ?? traceId, key, "REFUSED:" + ex.Code, cancellationToken);
            throw Translate(ex);
        }
        catch (RrrUnavailableException ex)
        {
            await AuditAsync(adminId, auditKind, promotionId, ex.TraceId ?? traceId, key, "RRR_UNAVAILABLE", cancellationToken);
            throw new PromotionRefusedException(
                PromotionRefusedException.RrrUnavailable,
                auditKind is "promotion.approved" or "promotion.rejected"
                    ? text["DecisionKeptRrrDown"]
                    : text["RrrDown"]);
        }
    }

    /// <summary>A refusal decided here, before or instead of an RRR call (no trace id or key of a call).</summary>
    public Task RefusedAsync(string adminId, string auditKind, string? promotionId, string code, CancellationToken cancellationToken) =>
        AuditAsync(adminId, auditKind, promotionId, null, null, "REFUSED:" + code, cancellationToken);

    public PromotionRefusedException Translate(RrrProblemException ex) => ex.Code switch
    {
        RrrErrorCodes.ApprovalNotAllowed => new(PromotionRefusedException.MakerCannotApprove, text["MakerCannotDecide"]),
        RrrErrorCodes.AlreadyDecided => new(PromotionRefusedException.AlreadyDecided, text["AlreadyDecided"]),
        RrrErrorCodes.InvalidState => new(PromotionRefusedException.WrongState, text["InvalidState"]),
        RrrErrorCodes.ValidationFailed => new(
            PromotionRefusedException.Invalid,
            text["RrrInvalid", string.Join(" ", ex.Errors.SelectMany(e => e.Value))],
            ex.Errors.ToDictionary(e => FormField(e.Key), e => e.Value, StringComparer.Ordinal)),
        RrrErrorCodes.NotFound => new(PromotionRefusedException.RrrRefused, text["NoSuchPromotion"]),
        _ => new(PromotionRefusedException.RrrRefused, text["RrrRefused", ex.Code]),
    };

    private static string FormField(string wireName) => wireName switch
    {
        "name" => nameof(PromotionForm.Name),
        "kind" => nameof(PromotionForm.Kind),
        "value" => nameof(PromotionForm.Value),
        "starts_at" => nameof(PromotionForm.StartsAtUtc),
        "ends_at" => nameof(PromotionForm.EndsAtUtc),
        "audience" => nameof(PromotionForm.Audience),
        "budget_cap_points" => nameof(PromotionForm.BudgetCapPoints),
        _ => wireName,
    };

    private Task AuditAsync(
        string actorId, string kind, string? promotionId, string? traceId, string? key, string outcome, CancellationToken cancellationToken) =>
        audit.AppendAsync(
            new AuditEvent("aud_" + Guid.NewGuid().ToString("N"), time.GetUtcNow(), actorId, kind, promotionId,
                traceId ?? Activity.Current?.TraceId.ToHexString(), key, outcome),
            cancellationToken);
}
