using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Rrr.Core.Persistence;

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
