using System.Globalization;
using Rrr.Bench.EarnOutbox;

// Two loopback benchmarks of automatic earn (see README.md). Not a test; test.sh never runs it.
//   dotnet run -c Release --project bench/Rrr.Bench.EarnOutbox [-- --orders 3000 --concurrency 8 --batch 100
//       --no-call-log --senders 64 --warmup 2 --duration 10 --only dispatch|intake]
var settings = args.Select((a, i) => (a, i)).Where(t => t.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(t => t.a[2..], t => t.i + 1 < args.Length ? args[t.i + 1] : "", StringComparer.Ordinal);
int Int(string name, int fallback) => settings.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var only = settings.GetValueOrDefault("only");

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"earn outbox bench: {Environment.ProcessorCount} cores, load average {Machine.LoadAverage()}"));
var ok = true;
if (only is null or "dispatch")
{
    ok &= await DispatchBench.RunAsync(Int("orders", 3000), Int("concurrency", 8), Int("batch", 100), !settings.ContainsKey("no-call-log"));
}

if (only is null or "intake")
{
    ok &= await IntakeBench.RunAsync(Int("senders", 64), TimeSpan.FromSeconds(Int("warmup", 2)), TimeSpan.FromSeconds(Int("duration", 10)));
}

return ok ? 0 : 1;
