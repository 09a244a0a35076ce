using System.Diagnostics;
using System.Globalization;

namespace Rrr.Bench.AuditQueries;

/// <summary>Latencies of one measured query (Stopwatch ticks), with percentiles in milliseconds.</summary>
internal sealed class Latencies(string name)
{
    private readonly List<long> ticks = [];

    public string Name { get; } = name;

    public int Count => ticks.Count;

    public void Add(long elapsedTicks) => ticks.Add(elapsedTicks);

    public double PercentileMs(double p)
    {
        if (ticks.Count == 0)
        {
            return double.NaN;
        }

        ticks.Sort();
        var index = Math.Clamp((int)Math.Ceiling(p / 100 * ticks.Count) - 1, 0, ticks.Count - 1);
        return ticks[index] * 1000.0 / Stopwatch.Frequency;
    }

    public double MaxMs => ticks.Count == 0 ? double.NaN : ticks.Max() * 1000.0 / Stopwatch.Frequency;

    /// <summary>Runs <paramref name="query"/> for warm-up and then <paramref name="runs"/> timed times; run i gets i.</summary>
    public static async Task<Latencies> RunAsync(string name, int warmup, int runs, Func<int, Task> query)
    {
        for (var i = 0; i < warmup; i++)
        {
            await query(-1 - i);
        }

        var result = new Latencies(name);
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await query(i);
            result.Add(Stopwatch.GetTimestamp() - started);
        }

        return result;
    }
}

internal static class Machine
{
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    public static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " MB";
}
