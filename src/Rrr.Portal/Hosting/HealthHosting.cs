using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Rrr.Portal.Hosting;

/// <summary>Bound from "Health".</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>How long one answer of the identity provider stands for every /health/ready hit (0: ask every time).</summary>
    public TimeSpan IdentityProviderCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}

internal sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options) =>
        options.IdentityProviderCacheDuration < TimeSpan.Zero || options.IdentityProviderCacheDuration > TimeSpan.FromMinutes(10)
            ? ValidateOptionsResult.Fail($"{HealthOptions.Section}:IdentityProviderCacheDuration must be between 00:00:00 and 00:10:00.")
            : ValidateOptionsResult.Success;
}

/// <summary>
/// /health/live and /health/ready for anyone (the word Healthy, Degraded or Unhealthy, nothing about what is
/// inside), /health/ready/details (every check with its data) for admins. All three are rate limited per address.
/// </summary>
public static class HealthHosting
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string DetailsPath = "/health/ready/details";

    public static IServiceCollection AddPortalHealth(this IServiceCollection services)
    {
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>();
        services.AddSingleton<IdentityProviderProbe>();
        services.AddHttpClient(IdentityProviderHealthCheck.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(3));
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"])
            .AddCheck<IdentityProviderHealthCheck>("identity-provider", tags: ["ready"])
            .AddCheck<RrrHealthCheck>("rrr", tags: ["ready"])
            .AddCheck<EarnOutboxHealthCheck>("earn-outbox", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapPortalHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false })
            .AllowAnonymous().RequireRateLimiting(RateLimitPolicies.Health);

        // The framework's own writer: the status word only. Backlogs and dependency states are for admins.
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") })
            .AllowAnonymous().RequireRateLimiting(RateLimitPolicies.Health);
        app.MapHealthChecks(DetailsPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthJson.WriteAsync })
            .RequireAuthorization(PortalPolicies.Admin).RequireRateLimiting(RateLimitPolicies.Health);
        return app;
    }
}
