using Microsoft.Extensions.Diagnostics.HealthChecks;

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
internal sealed class IdentityProviderHealthCheck(IdentityProviderProbe probe) : IHealthCheck
{
    public const string HttpClientName = "health-idp";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        probe.CheckAsync(cancellationToken);
}

/// <summary>
/// Asks the identity provider's discovery document at most once per Health:IdentityProviderCacheDuration, however
/// often /health/ready is hit (and by however many callers at once): a probe must not become traffic to the IdP.
/// </summary>
internal sealed class IdentityProviderProbe(
    IHttpClientFactory clients, IOptions<OidcOptions> oidc, IOptions<HealthOptions> settings, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (HealthCheckResult Result, DateTimeOffset Until)? _last;

    public async Task<HealthCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Whoever waited behind the one that asked takes its answer.
            if (Fresh() is { } answered)
            {
                return answered;
            }

            var result = await AskAsync(cancellationToken);
            _last = (result, time.GetUtcNow() + settings.Value.IdentityProviderCacheDuration);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private HealthCheckResult? Fresh() => _last is { } last && time.GetUtcNow() < last.Until ? last.Result : null;

    private async Task<HealthCheckResult> AskAsync(CancellationToken cancellationToken)
    {
        var discovery = new Uri(new Uri(oidc.Value.Authority.TrimEnd('/') + "/"), ".well-known/openid-configuration");
        try
        {
            using var response = await clients.CreateClient(IdentityProviderHealthCheck.HttpClientName).GetAsync(discovery, cancellationToken);
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

/// <summary>
/// The earn outbox as operations see it: Degraded (still serving, orders still accepted) when the oldest
/// order waiting for RRR is older than Earn:HealthMaxBacklogAge, or when dead letters wait for an admin. Orders held
/// for buyers not linked yet, and the holds that expired (the buyer never linked), are expected: counted, never degrading.
/// </summary>
internal sealed class EarnOutboxHealthCheck(IEarnOutbox outbox, TimeProvider time, IOptions<EarnOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var counts = await outbox.CountByStatusAsync(cancellationToken);
            var oldest = await outbox.OldestWaitingAcceptedAtAsync(cancellationToken);
            var backlog = counts[OutboxStatus.Pending] + counts[OutboxStatus.Claimed];
            var holdExpired = counts[OutboxStatus.Dead] > 0 ? await outbox.CountDeadAsync(OutboxCodes.HoldExpired, cancellationToken) : 0;
            var dead = counts[OutboxStatus.Dead] - holdExpired;
            var age = oldest is { } accepted ? time.GetUtcNow() - accepted : TimeSpan.Zero;
            var data = new Dictionary<string, object>
            {
                ["backlog"] = backlog,
                ["oldest_age_seconds"] = (long)Math.Max(0, age.TotalSeconds),
                ["dead_letters"] = dead,
                ["held"] = counts[OutboxStatus.Held],
                ["hold_expired"] = holdExpired,
            };
            var limit = options.Value.HealthMaxBacklogAge;
            var problems = new List<string>();
            if (age > limit)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"the oldest waiting order is older than {limit}"));
            }

            if (dead > 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{dead} dead letters wait for an admin"));
            }

            return problems.Count == 0
                ? HealthCheckResult.Healthy("Earn outbox keeps up.", data)
                : HealthCheckResult.Degraded("Earn outbox: " + string.Join("; ", problems) + ".", data: data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The earn outbox could not be read.", ex);
        }
    }
}

/// <summary>/health/ready/details (admins) as JSON: overall status and, per check, status, description and data (never exception text).</summary>
internal static class HealthJson
{
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        }, cancellationToken: http.RequestAborted);
    }
}
