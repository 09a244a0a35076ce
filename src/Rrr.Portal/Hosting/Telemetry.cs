using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Rrr.Portal.Hosting;

internal static class Telemetry
{
    /// <summary>
    /// Traces and metrics for requests and outgoing HTTP (RRR calls). Tracing is always on so every request
    /// has an Activity: its trace id is the X-Request-Trace sent to RRR and kept in the RRR call log, which
    /// is what ties an admin's action to RRR's ledger entries. Export only when an OTLP endpoint is set
    /// (the standard OTEL_EXPORTER_OTLP_ENDPOINT variable).
    /// </summary>
    public static IServiceCollection AddPortalTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var export = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("rrr-portal"))
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                    .AddHttpClientInstrumentation();
                if (export)
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                // The portal's own meter (business gauges, RRR call latency) and the Prometheus scrape (Metrics.cs).
                metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddPortalMeters();
                if (export)
                {
                    metrics.AddOtlpExporter();
                }
            });
        return services;
    }
}
