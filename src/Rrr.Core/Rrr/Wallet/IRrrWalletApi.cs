namespace Rrr.Core.Rrr.Wallet;

public interface IRrrWalletApi
{
    [Get("/v1/members/{rrrMemberId}/wallet")]
    Task<MemberWallet> GetWalletAsync(string rrrMemberId, CancellationToken cancellationToken = default);

    /// <param name="limit">1–100; RRR defaults to 20.</param>
    [Get("/v1/members/{rrrMemberId}/transactions")]
    Task<LedgerPage> GetTransactionsAsync(string rrrMemberId, [AliasAs("cursor")] string? cursor = null, [AliasAs("limit")] int? limit = null, CancellationToken cancellationToken = default);
}
