namespace Rrr.Core.Rrr.Awards;

/// <summary>Model → viewer awards: an intent (checks) then an atomic commit (debit + credit).</summary>
public interface IRrrAwardsApi
{
    /// <summary>Key: <see cref="Http.IdempotencyKeys.AwardIntent"/> (a client id made once per award dialog).</summary>
    [Post("/v1/awards/intents")]
    Task<AwardIntent> CreateIntentAsync([Body] CreateAwardIntentRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Key: <see cref="Http.IdempotencyKeys.AwardCommit"/>.</summary>
    [Post("/v1/awards/{awardIntentId}/commit")]
    Task<Award> CommitAsync(string awardIntentId, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);
}
