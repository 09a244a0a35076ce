namespace Rrr.Core.Rrr.Topups;

public interface IRrrTopupsApi
{
    /// <summary>Key: <see cref="Http.IdempotencyKeys.TopupQuote"/>.</summary>
    [Post("/v1/topups/quotes")]
    Task<TopupQuote> CreateQuoteAsync([Body] CreateTopupQuoteRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Call only after XCN took the money. Key: <see cref="Http.IdempotencyKeys.TopupCommit"/>.</summary>
    [Post("/v1/topups/{quoteId}/commit")]
    Task<TopupCommit> CommitAsync(string quoteId, [Body] CommitTopupRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);
}
