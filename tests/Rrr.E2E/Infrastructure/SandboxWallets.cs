using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Rrr.E2E.Infrastructure;

/// <summary>A member's wallet as RRR (the sandbox) holds it: the yardstick journeys compare the portal against.</summary>
public sealed record SandboxWallet(long Available, long Pending, long Escrow, int ExpiringSoon);

/// <summary>
/// The journeys' one way to talk to the sandbox's RRR API: a client with the API credential, and the wallet
/// read that every journey measures itself by (before and after, never an absolute balance).
/// </summary>
public static class SandboxWallets
{
    /// <summary>
    /// A client for the sandbox's RRR API. <paramref name="clientId"/> is the X-Client-Id: idempotency keys are
    /// scoped to it, so a journey that posts keeps its own.
    /// </summary>
    public static HttpClient CreateRrrClient(string sandboxUrl, string clientId, TimeSpan? timeout = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(sandboxUrl.TrimEnd('/') + "/") };
        if (timeout is { } t)
        {
            http.Timeout = t;
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox-api-key");
        http.DefaultRequestHeaders.Add("X-Client-Id", clientId);
        return http;
    }

    /// <summary>GET /v1/members/{id}/wallet on the sandbox.</summary>
    public static async Task<SandboxWallet> ReadAsync(string sandboxUrl, string rrrMemberId)
    {
        using var http = CreateRrrClient(sandboxUrl, "e2e-wallet-reads");
        var wallet = await http.GetFromJsonAsync<JsonElement>($"v1/members/{rrrMemberId}/wallet", TestContext.Current.CancellationToken);
        return new SandboxWallet(
            wallet.GetProperty("available_points").GetInt64(),
            wallet.GetProperty("pending_points").GetInt64(),
            wallet.GetProperty("escrow_points").GetInt64(),
            wallet.GetProperty("expiring_soon").GetArrayLength());
    }
}
