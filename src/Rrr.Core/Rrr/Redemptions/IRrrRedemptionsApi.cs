namespace Rrr.Core.Rrr.Redemptions;

/// <summary>Two-phase redeem at checkout: a quote holds points in escrow until commit, reverse or expiry.</summary>
public interface IRrrRedemptionsApi
{
    [Get("/v1/redemptions/options")]
    Task<RedemptionOptions> GetOptionsAsync([AliasAs("rrr_member_id")] string rrrMemberId, [AliasAs("cart_total")] decimal cartTotal, [AliasAs("currency")] string currency, CancellationToken cancellationToken = default);

    /// <summary>Key: <see cref="Http.IdempotencyKeys.RedeemQuote"/>.</summary>
    [Post("/v1/redemptions/quotes")]
    Task<RedemptionQuote> CreateQuoteAsync([Body] CreateRedemptionQuoteRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Key: <see cref="Http.IdempotencyKeys.RedeemCommit"/>.</summary>
    [Post("/v1/redemptions/{quoteId}/commit")]
    Task<RedemptionCommit> CommitAsync(string quoteId, [Body] CommitRedemptionRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Key: <see cref="Http.IdempotencyKeys.RedeemReverse"/>.</summary>
    [Post("/v1/redemptions/{quoteId}/reverse")]
    Task<RedemptionReversal> ReverseAsync(string quoteId, [Body] ReverseRedemptionRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);
}
