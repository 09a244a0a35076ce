using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Rrr.Core.Persistence;
using Rrr.Core.Rrr.Http;

namespace Rrr.Portal.Hosting;

internal sealed class StoreHealthCheck(IStoreLifecycle store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await store.IsHealthyAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The portal store did not answer.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The portal store failed.", ex);
        }
    }
}

/// <summary>Without the identity provider nobody can sign in, so the portal is not ready.</summary>
internal sealed class IdentityProviderHealthCheck(IHttpClientFactory clients, IOptions<OidcSettings> oidc) : IHealthCheck
{
    public const string HttpClientName = "health-idp";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var discovery = new Uri(new Uri(oidc.Value.Authority.TrimEnd('/') + "/"), ".well-known/openid-configuration");
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(discovery, cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"Identity provider discovery answered {(int)response.StatusCode}.");
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Unhealthy("Identity provider unreachable.", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("Identity provider timed out.", ex);
        }
    }
}

/// <summary>
/// Degraded, not unhealthy, while the RRR circuit is open: the portal still serves pages, shows RRR's last
/// word and keeps orders in its outbox, so taking it out of the load balancer would only make things worse.
/// Reflects real traffic only; there is no extra probe call to RRR.
/// </summary>
internal sealed class RrrHealthCheck(RrrCircuitState circuit) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(circuit.IsOpen
            ? HealthCheckResult.Degraded("Recent RRR calls failed; the RRR circuit is open.")
            : HealthCheckResult.Healthy());
}
