using System.Globalization;

namespace Rrr.Bench.WebhookIngest;

internal sealed record BenchOptions(TimeSpan Duration, TimeSpan Warmup, int Concurrency, bool Batching, int Rounds = 3, bool Processor = true, bool IngestOnly = false, bool Smoke = false)
{
    // Any 24–64 random bytes; this one exists only inside the bench process.
    public const string Secret = "whsec_YmVuY2gtb25seS1zZWNyZXQtMzItYnl0ZXMtbG9uZyE=";

    /// <summary><c>--duration 15 --warmup 3 --concurrency 64 --rounds 3 --no-batching --no-processor --only-ingest --smoke</c></summary>
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(3), 64, Batching: true);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Number(args, ++i)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Number(args, ++i)) },
                "--concurrency" => options with { Concurrency = Number(args, ++i) },
                "--rounds" => options with { Rounds = Math.Max(1, Number(args, ++i)) },
                "--no-batching" => options with { Batching = false },
                "--no-processor" => options with { Processor = false },

                // Profiling aid: only the portal target, so a CPU trace shows the ingest path alone (no ratio).
                "--only-ingest" => options with { IngestOnly = true },

                // CI: the same code path for about two seconds; counts must match exactly, speed is not judged.
                "--smoke" => options with { Smoke = true, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.FromMilliseconds(300), Concurrency = 4, Rounds = 1 },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'. Use --duration N --warmup N --concurrency N --rounds N --no-batching --no-processor --only-ingest --smoke."),
            };
        }

        return options;
    }

    private static int Number(string[] args, int i) =>
        i < args.Length ? int.Parse(args[i], CultureInfo.InvariantCulture) : throw new ArgumentException($"{args[i - 1]} needs a number.");
}
