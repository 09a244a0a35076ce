namespace Rrr.Core.Rrr.Links;

/// <summary>One XCN user ↔ one RRR member. Keys: <see cref="Http.IdempotencyKeys"/>.</summary>
public interface IRrrLinksApi
{
    [Post("/v1/links/intents")]
    Task<LinkIntent> CreateIntentAsync([Body] CreateLinkIntentRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    [Post("/v1/links/confirm")]
    Task<ConfirmedLink> ConfirmAsync([Body] ConfirmLinkRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    [Get("/v1/links")]
    Task<LinkState> GetAsync([AliasAs("xcn_user_id")] string xcnUserId, CancellationToken cancellationToken = default);

    [Post("/v1/links/{linkId}/revoke")]
    Task<RevokedLink> RevokeAsync(string linkId, [Body] RevokeLinkRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);
}
