namespace Rrr.Core.Rrr.Adjustments;

/// <summary>Customer-service credits and debits; RRR re-checks the approval thresholds itself.</summary>
public interface IRrrAdjustmentsApi
{
    /// <summary>Key: <see cref="Http.IdempotencyKeys.AdjustmentCreate"/>.</summary>
    [Post("/v1/adjustments")]
    Task<Adjustment> CreateAsync([Body] CreateAdjustmentRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>The RRR admin's decision. Key: <see cref="Http.IdempotencyKeys.AdjustmentDecision"/>.</summary>
    [Post("/v1/adjustments/{adjustmentId}/approvals")]
    Task<Adjustment> DecideAsync(string adjustmentId, [Body] ApprovalDecisionRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    [Get("/v1/adjustments/{adjustmentId}")]
    Task<Adjustment> GetAsync(string adjustmentId, CancellationToken cancellationToken = default);

    [Get("/v1/adjustments")]
    Task<AdjustmentList> ListAsync([AliasAs("status")] AdjustmentStatus? status = null, CancellationToken cancellationToken = default);
}
