namespace Rrr.Core.Rrr.Promotions;

/// <summary>Multi-sig promotions: 2 distinct XCN admins + 1 RRR admin turn a submitted promotion ACTIVE.</summary>
public interface IRrrPromotionsApi
{
    /// <summary>Key: <see cref="Http.IdempotencyKeys.PromotionCreate"/>.</summary>
    [Post("/v1/promotions")]
    Task<Promotion> CreateAsync([Body] CreatePromotionRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Only DRAFT or REJECTED; clears approvals. Key: <see cref="Http.IdempotencyKeys.PromotionUpdate"/>.</summary>
    [Patch("/v1/promotions/{promotionId}")]
    Task<Promotion> UpdateAsync(string promotionId, [Body] UpdatePromotionRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Key: <see cref="Http.IdempotencyKeys.PromotionSubmit"/>.</summary>
    [Post("/v1/promotions/{promotionId}/submit")]
    Task<Promotion> SubmitAsync(string promotionId, [Body] SubmitPromotionRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Key: <see cref="Http.IdempotencyKeys.PromotionDecision"/>.</summary>
    [Post("/v1/promotions/{promotionId}/approvals")]
    Task<Promotion> DecideAsync(string promotionId, [Body] ApprovalDecisionRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    [Get("/v1/promotions")]
    Task<PromotionList> ListAsync([AliasAs("status")] PromotionStatus? status = null, CancellationToken cancellationToken = default);

    [Get("/v1/promotions/{promotionId}")]
    Task<Promotion> GetAsync(string promotionId, CancellationToken cancellationToken = default);
}
