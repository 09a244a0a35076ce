using System.Diagnostics;
using System.Globalization;

namespace Rrr.Bench.EarnOutbox;

/// <summary>Latencies of one run (Stopwatch ticks), with percentiles in milliseconds.</summary>
internal sealed class Latencies
{
    private readonly List<long> ticks = [];

    public int Count
    {
        get
        {
            lock (ticks)
            {
                return ticks.Count;
            }
        }
    }

    public void Add(long elapsedTicks)
    {
        lock (ticks)
        {
            ticks.Add(elapsedTicks);
        }
    }

    public void AddRange(IEnumerable<long> elapsed)
    {
        lock (ticks)
        {
            ticks.AddRange(elapsed);
        }
    }

    public double PercentileMs(double p)
    {
        lock (ticks)
        {
            if (ticks.Count == 0)
            {
                return double.NaN;
            }

            ticks.Sort();
            var index = Math.Clamp((int)Math.Ceiling(p / 100 * ticks.Count) - 1, 0, ticks.Count - 1);
            return ticks[index] * 1000.0 / Stopwatch.Frequency;
        }
    }

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"p50 {PercentileMs(50):F1} ms, p95 {PercentileMs(95):F1} ms, p99 {PercentileMs(99):F1} ms");
}

internal static class Machine
{
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Aggregate((a, b) => a + " " + b);
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
