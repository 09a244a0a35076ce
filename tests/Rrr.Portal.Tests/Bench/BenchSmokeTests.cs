using System.Diagnostics;
using System.Text;

using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Bench;

/// <summary>
/// Every benchmark in <c>bench/</c> in its <c>--smoke</c> mode (seconds; the same code path; the exact counts
/// decide, the speed targets do not), so a bench that no longer starts or miscounts fails CI instead of rotting
/// until someone needs a number. Runs the Release (or this test's configuration) build of each bench from the
/// repository root, as <c>dotnet run --project bench/...</c> would; <c>dotnet build Rrr.Portal.sln</c> builds them.
/// </summary>
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public Task WebhookIngest_smoke_starts_from_the_repository_root_and_counts_exactly() => RunSmokeAsync("Rrr.Bench.WebhookIngest");

    [Fact]
    public Task EarnOutbox_smoke_dispatch_and_intake_count_exactly() => RunSmokeAsync("Rrr.Bench.EarnOutbox");

    [Fact]
    public Task AuditQueries_smoke_seeds_queries_and_exports_every_row() => RunSmokeAsync("Rrr.Bench.AuditQueries");

    [Fact]
    public Task PanelLatency_smoke_signs_in_and_every_load_shows_the_panel() => RunSmokeAsync("Rrr.Bench.PanelLatency");

    private async Task RunSmokeAsync(string bench)
    {
        var root = RepositoryFiles.Root;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        var dll = Path.Combine(root, "bench", bench, "bin", configuration, "net10.0", bench + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first (dotnet build Rrr.Portal.sln -c {configuration}).");

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--smoke");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");

        var log = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"{bench} --smoke did not finish within {Limit.TotalSeconds} s:\n{Text(log)}");
        }

        process.WaitForExit(); // drains the redirected output
        output.WriteLine($"{bench} --smoke: exit code {process.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(Text(log));
        Assert.True(process.ExitCode == 0, $"{bench} --smoke exited with {process.ExitCode}:\n{Text(log)}");
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    private static string Text(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

}
