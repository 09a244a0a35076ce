using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Bench.WebhookIngest;

internal sealed record LoadResult(string Name, long Requests, long Accepted, long Errors, double Seconds, long[] LatencyTicks, double CpuSeconds = 0, double JitSeconds = 0, long AcceptedTotal = 0)
{
    /// <summary>Several measured segments of one target as one result (latencies sorted).</summary>
    public static LoadResult Combine(IReadOnlyList<LoadResult> parts)
    {
        var latencies = parts.SelectMany(p => p.LatencyTicks).ToArray();
        Array.Sort(latencies);
        return new LoadResult(
            parts[0].Name, parts.Sum(p => p.Requests), parts.Sum(p => p.Accepted), parts.Sum(p => p.Errors),
            parts.Sum(p => p.Seconds), latencies, parts.Sum(p => p.CpuSeconds), parts.Sum(p => p.JitSeconds), parts.Sum(p => p.AcceptedTotal));
    }

    public double Throughput => Requests / Seconds;

    /// <summary>Process CPU (server and driver together) per request, in microseconds: robust to other load on the machine.</summary>
    public double CpuMicrosecondsPerRequest => Requests == 0 ? double.NaN : CpuSeconds * 1e6 / Requests;

    public double PercentileMs(double p)
    {
        if (LatencyTicks.Length == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(p / 100 * LatencyTicks.Length) - 1;
        return LatencyTicks[Math.Clamp(index, 0, LatencyTicks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}

/// <summary>
/// N senders, each with its own loop over one shared keep-alive HTTP/1.1 pool (one connection per
/// sender). Every request is a fresh event (unique id) signed at send time, as RRR would send it.
/// Only requests that start after the warm-up and finish before the end are counted.
/// Reused across segments, so connections stay open (keep-alive) for the whole run.
/// </summary>
internal sealed class LoadDriver : IDisposable
{
    private static long sequence;

    private readonly SocketsHttpHandler handler;
    private readonly HttpClient client;
    private readonly Uri endpoint;
    private readonly WebhookSecret secret;
    private readonly int concurrency;

    public LoadDriver(Uri endpoint, WebhookSecret secret, int concurrency)
    {
        handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        this.endpoint = endpoint;
        this.secret = secret;
        this.concurrency = concurrency;
    }

    /// <summary>Runs all senders for <paramref name="warmup"/> + <paramref name="duration"/>; counts only the latter.</summary>
    public async Task<LoadResult> RunAsync(string name, TimeSpan warmup, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var stopAt = warmup + duration;
        using var process = Process.GetCurrentProcess();
        TimeSpan? cpuFrom = warmup == TimeSpan.Zero ? process.TotalProcessorTime : null;
        var jitFrom = System.Runtime.JitInfo.GetCompilationTime();
        var cpuTimer = warmup == TimeSpan.Zero ? null : Task.Delay(warmup).ContinueWith(
            _ =>
            {
                process.Refresh();
                cpuFrom = process.TotalProcessorTime;
            },
            TaskScheduler.Default);
        var workers = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => SendLoopAsync(client, endpoint, secret, clock, warmup, stopAt)))
            .ToArray();
        var outcomes = await Task.WhenAll(workers);
        process.Refresh();
        var cpu = cpuFrom is { } from ? (process.TotalProcessorTime - from).TotalSeconds : 0;
        if (cpuTimer is not null)
        {
            await cpuTimer;
        }

        return new LoadResult(
            name,
            outcomes.Sum(o => o.Latencies.Count),
            outcomes.Sum(o => o.Accepted),
            outcomes.Sum(o => o.Errors),
            duration.TotalSeconds,
            outcomes.SelectMany(o => o.Latencies).ToArray(),
            cpu,
            (System.Runtime.JitInfo.GetCompilationTime() - jitFrom).TotalSeconds,
            outcomes.Sum(o => o.AcceptedTotal));
    }

    public void Dispose()
    {
        client.Dispose();
        handler.Dispose();
    }

    private static async Task<WorkerOutcome> SendLoopAsync(
        HttpClient client, Uri endpoint, WebhookSecret secret, Stopwatch clock, TimeSpan measureFrom, TimeSpan stopAt)
    {
        var latencies = new List<long>(16_384);
        // acceptedTotal counts every 2xx, warm-up and stragglers included: what the inbox must hold.
        long accepted = 0, errors = 0, acceptedTotal = 0;
        while (true)
        {
            var n = Interlocked.Increment(ref sequence);
            var id = string.Create(CultureInfo.InvariantCulture, $"evt_bench_{n:D10}");
            var member = string.Create(CultureInfo.InvariantCulture, $"rrr_m_{n % 1000:D4}");
            var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"{{\"id\":\"{id}\",\"type\":\"POINTS_POSTED\",\"created_at\":\"2026-11-25T13:00:00Z\",\"data\":{{\"resource_type\":\"wallet\",\"resource_id\":\"{member}\",\"version\":{n},\"rrr_member_id\":\"{member}\",\"points\":25,\"entry_id\":\"le_{n}\",\"earn_event_id\":\"ee_{n}\",\"order_number\":\"ord_{n}\",\"status\":\"POSTED\"}}}}"));

            var started = clock.Elapsed;
            if (started >= stopAt)
            {
                return new WorkerOutcome(latencies, accepted, errors, acceptedTotal);
            }

            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("webhook-id", id);
            request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("webhook-signature", StandardWebhookVerifier.Sign(secret, id, timestamp, body));

            var before = Stopwatch.GetTimestamp();
            bool ok;
            try
            {
                using var response = await client.SendAsync(request);
                ok = response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                ok = false;
            }
            catch (TaskCanceledException)
            {
                ok = false;
            }

            var elapsed = Stopwatch.GetTimestamp() - before;
            if (ok)
            {
                acceptedTotal++;
            }

            if (started < measureFrom || clock.Elapsed > stopAt)
            {
                continue;
            }

            latencies.Add(elapsed);
            if (ok)
            {
                accepted++;
            }
            else
            {
                errors++;
            }
        }
    }

    private sealed record WorkerOutcome(List<long> Latencies, long Accepted, long Errors, long AcceptedTotal);
}
