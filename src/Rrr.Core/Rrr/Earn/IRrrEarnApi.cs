namespace Rrr.Core.Rrr.Earn;

public interface IRrrEarnApi
{
    /// <summary>Key: <see cref="Http.IdempotencyKeys.EarnTokens"/> or <see cref="Http.IdempotencyKeys.EarnMembership"/>.</summary>
    [Post("/v1/earn-events")]
    Task<EarnEvent> PostEarnEventAsync([Body] EarnEventRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Key: <see cref="Http.IdempotencyKeys.EarnReverse"/>.</summary>
    [Post("/v1/earn-events/{earnEventId}/reverse")]
    Task<EarnReversal> ReverseAsync(string earnEventId, [Body] ReverseEarnRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);
}
