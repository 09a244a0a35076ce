using System.Globalization;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Bench.WebhookIngest;

internal static class Report
{
    public const double MinRatio = 0.40;
    public const double MaxP99Ms = 50;

    public static void Print(IReadOnlyList<LoadResult> results, long stored, long pending, long accepted)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"{"target",-22} {"req/s",10} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"requests",10} {"errors",7} {"cpu µs/req",11} {"jit ms",7}"));
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(c,
                $"{r.Name,-22} {r.Throughput,10:F0} {r.PercentileMs(50),8:F2} {r.PercentileMs(95),8:F2} {r.PercentileMs(99),8:F2} {r.Requests,10} {r.Errors,7} {r.CpuMicrosecondsPerRequest,11:F0} {r.JitSeconds * 1000,7:F0}"));
        }

        if (results.Count == 1)
        {
            // --only-ingest: nothing to compare with.
            Console.WriteLine(string.Create(c, $"inbox rows: {stored}, still pending for the processor: {pending}"));
            return;
        }

        var bare = results[0];
        var ingest = results[^1];
        var ratio = ingest.Throughput / bare.Throughput;
        var p99 = ingest.PercentileMs(99);
        var errors = results.Sum(r => r.Errors);
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"ingest / bare throughput: {ratio:P1} (target >= {MinRatio:P0}) {(ratio >= MinRatio ? "OK" : "MISSED")}"));
        if (results.Count > 2)
        {
            Console.WriteLine(string.Create(c, $"ingest / bare-with-body-read throughput: {ingest.Throughput / results[1].Throughput:P1} (reference)"));
        }

        Console.WriteLine(string.Create(c, $"ingest p99: {p99:F2} ms (target < {MaxP99Ms} ms) {(p99 < MaxP99Ms ? "OK" : "MISSED")}"));
        Console.WriteLine(string.Create(c, $"errors: {errors} (target 0) {(errors == 0 ? "OK" : "MISSED")}"));
        Console.WriteLine(string.Create(c, $"inbox rows: {stored} (incl. warm-up; {accepted} accepted while measured), still pending for the processor: {pending}"));
        Environment.ExitCode = ratio >= MinRatio && p99 < MaxP99Ms && errors == 0 ? 0 : 1;
    }

    /// <summary>
    /// --smoke: every 2xx the senders saw (warm-up and late answers included) is exactly one inbox row, no
    /// request failed, and the processor works the inbox down to no pending and no failed events.
    /// </summary>
    public static async Task<bool> SmokeAsync(IWebhookInbox inbox, long acceptedTotal, long errors)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        long pending;
        do
        {
            pending = await inbox.CountAsync(InboxStatus.Pending, CancellationToken.None);
            if (pending > 0)
            {
                await Task.Delay(100);
            }
        }
        while (pending > 0 && DateTimeOffset.UtcNow < deadline);

        var stored = await inbox.CountAsync(null, CancellationToken.None);
        var processed = await inbox.CountAsync(InboxStatus.Processed, CancellationToken.None);
        var failed = await inbox.CountAsync(InboxStatus.Failed, CancellationToken.None);
        var ok = acceptedTotal > 0 && stored == acceptedTotal && processed == acceptedTotal && failed == 0 && errors == 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"smoke: 2xx answers {acceptedTotal}, inbox rows {stored}, processed {processed}, pending {pending}, failed {failed}, errors {errors}: {(ok ? "OK" : "MISMATCH")}"));
        return ok;
    }
}
