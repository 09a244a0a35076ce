using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rrr.Bench.AuditQueries;
using Rrr.Core.Features.Approvals;

// Audit and approvals queries over a seeded SQLite store; see README.md. Not a test: test.sh never runs it.
var folder = Path.Combine(Path.GetTempPath(), "rrr-bench-audit-queries");
var runs = 200;
var reseed = false;
var only = "all";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data": folder = args[++i]; break;
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--reseed": reseed = true; break;
        case "--only": only = args[++i]; break;
        case "--export-seconds": ExportBench.Limit = TimeSpan.FromSeconds(int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
        default: Console.Error.WriteLine($"Unknown argument {args[i]}"); return 2;
    }
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var ct = cts.Token;

Console.WriteLine($"load average at start: {Machine.LoadAverage()}; {Environment.ProcessorCount} cores; runs {runs}");
Directory.CreateDirectory(folder);
using var store = await Seeder.OpenAsync(folder, reseed, Console.Out, ct);
var engine = new ApprovalEngine(store, new FixedClock(Seeder.Now), Options.Create(new ApprovalOptions()), NullLogger<ApprovalEngine>.Instance, Seeder.ChainKeys);

var latencies = new List<Latencies>();
if (only is "all" or "queries")
{
    await Plans.PrintAsync(store.DatabasePath, Console.Out, ct);
    latencies.AddRange(await AuditBench.RunAsync(store, runs, ct));
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
return missed ? 1 : 0;
