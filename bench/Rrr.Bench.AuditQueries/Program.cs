using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rrr.Bench.AuditQueries;
using Rrr.Core.Features.Approvals;

// Audit and approvals queries over a seeded SQLite store; see README.md. The full run is not a test: test.sh runs only --smoke.
var folder = Path.Combine(Path.GetTempPath(), "rrr-bench-audit-queries");
var runs = 200;
var reseed = false;
var only = "all";
var smoke = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data": folder = args[++i]; break;
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--reseed": reseed = true; break;
        case "--only": only = args[++i]; break;
        case "--export-seconds": ExportBench.Limit = TimeSpan.FromSeconds(int.Parse(args[++i], CultureInfo.InvariantCulture)); break;

        // CI: the same seeding and queries on a small fresh file, 5 runs each; counts decide, latency does not.
        case "--smoke": smoke = true; break;
        default: Console.Error.WriteLine($"Unknown argument {args[i]}"); return 2;
    }
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var ct = cts.Token;

if (smoke)
{
    Seeder.UseSmallSeed();
    runs = Math.Min(runs, 5);
    folder = Path.Combine(Path.GetTempPath(), "rrr-bench-audit-smoke-" + Guid.NewGuid().ToString("N")[..8]);
}

Console.WriteLine($"load average at start: {Machine.LoadAverage()}; {Environment.ProcessorCount} cores; runs {runs}{(smoke ? "; smoke" : "")}");
Directory.CreateDirectory(folder);
var exitCode = await RunAsync();
if (smoke)
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

return exitCode;

async Task<int> RunAsync()
{
    using var store = await Seeder.OpenAsync(folder, reseed || smoke, Console.Out, ct);
    var engine = new ApprovalEngine(store.Approvals, new FixedClock(Seeder.Now), Options.Create(new ApprovalOptions()), NullLogger<ApprovalEngine>.Instance, Seeder.ChainKeys, new global::Rrr.Core.Features.PortalEvents(NullLogger<global::Rrr.Core.Features.PortalEvents>.Instance));

    var latencies = new List<Latencies>();
    if (only is "all" or "queries")
    {
        await Plans.PrintAsync(store.DatabasePath, Console.Out, ct);
        latencies.AddRange(await AuditBench.RunAsync(store.Audit, runs, ct));
        latencies.AddRange(await QueueBench.RunAsync(engine, runs, ct));
    }

    var exports = new List<ExportResult>();
    if (only is "all" or "export")
    {
        exports.Add(await ExportBench.StreamingAsync(store, ct));
        exports.Add(await ExportBench.MaterialisedAsync(store, ct));
    }

    var chain = await ChainBench.RunAsync(engine, ct);

    Console.WriteLine();
    Console.WriteLine($"load average at end: {Machine.LoadAverage()}");
    Console.WriteLine("| query | runs | p50 ms | p95 ms | max ms | target p95 <= 100 ms |");
    Console.WriteLine("|---|---|---|---|---|---|");
    var missed = false;
    foreach (var l in latencies)
    {
        var met = l.PercentileMs(95) <= 100;
        missed |= !met;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {l.Name} | {l.Count} | {l.PercentileMs(50):F2} | {l.PercentileMs(95):F2} | {l.MaxMs:F2} | {(met ? "met" : "MISSED")} |"));
    }

    if (exports.Count > 0)
    {
        Console.WriteLine();
        Console.WriteLine("| export | rows | seconds | rows/s | peak managed heap above start | peak working set above start |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var e in exports)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {e.Name} | {e.Rows:N0} | {e.Seconds:F1} | {e.Rows / e.Seconds:N0} | {Machine.Mb(e.PeakHeapDelta)} | {Machine.Mb(e.PeakWorkingSetDelta)} |"));
        }
    }

    Console.WriteLine();
    Console.WriteLine(chain);

    // Counts that must hold in every mode: each export wrote every row of the trail, and the chain is intact.
    var expectedRows = Seeder.AuditEvents + Seeder.ThroughRealCalls;
    var countsOk = chain.StartsWith("chain check: intact", StringComparison.Ordinal);
    foreach (var e in exports.Where(e => e.Rows != expectedRows))
    {
        Console.WriteLine($"MISMATCH: {e.Name} exported {e.Rows:N0} rows, the trail holds {expectedRows:N0}");
        countsOk = false;
    }

    if (smoke)
    {
        Console.WriteLine(countsOk ? "smoke: counts OK (latency targets not judged)" : "smoke: FAILED");
        return countsOk ? 0 : 1;
    }

    return missed || !countsOk ? 1 : 0;
}
