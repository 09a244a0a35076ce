using System.Globalization;
using Rrr.Bench.EarnOutbox;

// Two loopback benchmarks of automatic earn (see README.md). The full run is not a test; test.sh runs only --smoke.
//   dotnet run -c Release --project bench/Rrr.Bench.EarnOutbox [-- --orders 3000 --concurrency 8 --batch 100
//       --no-call-log --senders 64 --warmup 2 --duration 10 --only dispatch|intake --smoke]
// --smoke (CI): both parts on the same code paths for a few seconds; the exact counts still decide the exit
// code, the speed targets do not.
var settings = args.Select((a, i) => (a, i)).Where(t => t.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(t => t.a[2..], t => t.i + 1 < args.Length ? args[t.i + 1] : "", StringComparer.Ordinal);
int Int(string name, int fallback) => settings.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var only = settings.GetValueOrDefault("only");
var smoke = settings.ContainsKey("smoke");

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"earn outbox bench: {Environment.ProcessorCount} cores, load average {Machine.LoadAverage()}"));
var ok = true;
if (only is null or "dispatch")
{
    ok &= await DispatchBench.RunAsync(Int("orders", smoke ? 60 : 3000), Int("concurrency", smoke ? 4 : 8), Int("batch", smoke ? 20 : 100), !settings.ContainsKey("no-call-log"), smoke);
}

if (only is null or "intake")
{
    ok &= await IntakeBench.RunAsync(Int("senders", smoke ? 4 : 64), TimeSpan.FromSeconds(Int("warmup", smoke ? 0 : 2)), TimeSpan.FromSeconds(Int("duration", smoke ? 1 : 10)), smoke);
}

Console.WriteLine(ok ? "earn outbox bench: OK" : "earn outbox bench: FAILED (see above)");
return ok ? 0 : 1;
