using System.Diagnostics.Metrics;

namespace Rrr.Core.Rrr.Http;

/// <summary>
/// RRR call latency and outcome as an OpenTelemetry histogram on the portal's meter: one measurement per attempt
/// (as the call log), tagged only with low-cardinality values (method, route template, status class), never an id.
/// Prometheus: <c>rrr_client_call_duration_seconds_{bucket,sum,count}{method,route,status_class}</c>.
/// </summary>
public sealed class RrrClientMetrics
{
    /// <summary>The portal's own meter name; the portal's business gauges use it too.</summary>
    public const string MeterName = "Rrr.Portal";

    public const string CallDuration = "rrr.client.call.duration";

    private readonly Histogram<double> duration;

    public RrrClientMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        duration = meter.CreateHistogram<double>(
            CallDuration,
            unit: "s",
            description: "RRR call attempts: latency by method, route template and status class (none: no answer).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    }

    public void Record(string method, string routeTemplate, int? statusCode, TimeSpan latency)
    {
        var tags = new TagList
        {
            { "method", method },
            { "route", routeTemplate },
            { "status_class", StatusClass(statusCode) },
        };
        duration.Record(latency.TotalSeconds, tags);
    }

    /// <summary>2xx, 3xx, 4xx, 5xx, or none when no response came back (connection failure, timeout, open circuit).</summary>
    public static string StatusClass(int? statusCode) => statusCode switch
    {
        null => "none",
        >= 200 and < 300 => "2xx",
        >= 300 and < 400 => "3xx",
        >= 400 and < 500 => "4xx",
        >= 500 and < 600 => "5xx",
        _ => "other",
    };
}
