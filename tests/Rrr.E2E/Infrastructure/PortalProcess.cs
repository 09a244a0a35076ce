using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Rrr.E2E.Infrastructure;

/// <summary>
/// The real portal (Kestrel on a loopback port) started as a child process with <c>dotnet exec</c>,
/// with its own sandbox port and a fresh temporary data folder. Output is captured: <see cref="Logs"/>
/// holds all of it (for PII scans), <see cref="LogTail"/> the last lines (for error messages).
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    public const string PortalDllOverrideVariable = "RRR_PORTAL_DLL";
    private const int TailCapacity = 200;
    private const int MaxLogChars = 64 * 1024 * 1024;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Queue<string> _tail = new();
    private readonly StringBuilder _logs = new();
    private readonly IReadOnlyList<string> _extraArgs;
    private bool _logsTruncated;
    private Process? _process;
    private bool _disposed;

    private PortalProcess(string portalDll, int portalPort, int sandboxPort, string dataFolder, IReadOnlyList<string> extraArgs)
    {
        PortalDll = portalDll;
        PortalPort = portalPort;
        SandboxPort = sandboxPort;
        DataFolder = dataFolder;
        _extraArgs = extraArgs;
    }

    public string PortalDll { get; }

    public int PortalPort { get; }

    public int SandboxPort { get; }

    /// <summary>The portal's <c>Store:DataFolder</c>; kept across <see cref="RestartAsync"/>, deleted on dispose.</summary>
    public string DataFolder { get; }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl => $"http://127.0.0.1:{PortalPort}";

    /// <summary>The in-process sandbox (identity provider + fake RRR API), e.g. <c>http://127.0.0.1:41235</c>.</summary>
    public string SandboxUrl => $"http://127.0.0.1:{SandboxPort}";

    /// <summary>How many times the process has been started (1 after start, 2 after one restart, ...).</summary>
    public int StartCount { get; private set; }

    /// <summary>Everything the portal wrote to stdout and stderr, over all starts.</summary>
    public string Logs
    {
        get
        {
            lock (_gate)
            {
                return _logsTruncated ? "[earlier output truncated]\n" + _logs : _logs.ToString();
            }
        }
    }

    /// <summary>The last ~200 lines of output.</summary>
    public string LogTail
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The portal dll for this assembly's configuration: <c>src/Rrr.Portal/bin/&lt;Configuration&gt;/net10.0/Rrr.Portal.dll</c>.</summary>
    public static string DefaultPortalDll()
    {
        var overridden = Environment.GetEnvironmentVariable(PortalDllOverrideVariable);
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            return Path.GetFullPath(overridden);
        }

        return Path.Combine(RepoPaths.Root, "src", "Rrr.Portal", "bin", RepoPaths.Configuration, "net10.0", "Rrr.Portal.dll");
    }

    /// <summary>
    /// Picks two free loopback ports and a fresh data folder, starts the portal and waits for
    /// <c>GET /health/live</c> to answer 200.
    /// </summary>
    /// <param name="extraArgs">More command-line arguments, e.g. <c>--Feature:X=true</c>.</param>
    public static async Task<PortalProcess> StartAsync(IReadOnlyList<string>? extraArgs = null, string? portalDll = null, CancellationToken cancellationToken = default)
    {
        portalDll ??= DefaultPortalDll();
        if (!File.Exists(portalDll))
        {
            throw new FileNotFoundException(
                $"The portal is not built at {portalDll}. Build it first: dotnet build {RepoPaths.SolutionFileName} -c {RepoPaths.Configuration} "
                + $"(or set {PortalDllOverrideVariable}).",
                portalDll);
        }

        var (portalPort, sandboxPort) = PickTwoFreePorts();
        var dataFolder = Path.Combine(Path.GetTempPath(), "rrr-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataFolder);

        var portal = new PortalProcess(portalDll, portalPort, sandboxPort, dataFolder, extraArgs ?? []);
        try
        {
            await portal.StartProcessAsync(cancellationToken);
            return portal;
        }
        catch
        {
            await portal.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the portal (gracefully if it can) and starts it again on the same ports with the same data folder.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await StopAsync();
        await StartProcessAsync(cancellationToken);
    }

    /// <summary>
    /// Kills the process tree at once (no shutdown, nothing flushed: a crash), then starts it again on the
    /// same ports with the same data folder.
    /// </summary>
    public async Task KillAndRestartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_process is { } process)
        {
            _process = null;
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(cancellationToken);
                Append("[harness] portal killed");
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            finally
            {
                process.Dispose();
            }
        }

        await StartProcessAsync(cancellationToken);
    }

    /// <summary>SIGTERM (so the host shuts down and flushes), then kills the process tree if it is still there after 10 s.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        _process = null;
        try
        {
            if (!process.HasExited)
            {
                if (!OperatingSystem.IsWindows() && NativeMethods.kill(process.Id, NativeMethods.SIGTERM) == 0)
                {
                    using var graceful = new CancellationTokenSource(GracefulStopTimeout);
                    try
                    {
                        await process.WaitForExitAsync(graceful.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        Append("[harness] portal did not stop within " + GracefulStopTimeout.TotalSeconds + " s of SIGTERM; killing it");
                    }
                }

                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    using var hard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await process.WaitForExitAsync(hard.Token);
                }
            }

            // Drain the asynchronous output readers.
            process.WaitForExit();
            Append($"[harness] portal exited with code {process.ExitCode}");
        }
        catch (InvalidOperationException)
        {
            // The process was never started or is already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await StopAsync();
        AppDomain.CurrentDomain.ProcessExit -= KillOnHostExit;
        TryDeleteFolder(DataFolder);
    }

    // If the test host goes down without disposing the fixture (aborted run), take the portal with it.
    private void KillOnHostExit(object? sender, EventArgs e)
    {
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(PortalDll)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add("exec");
        startInfo.ArgumentList.Add(PortalDll);
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add(BaseUrl);
        startInfo.ArgumentList.Add($"--Sandbox:Url={SandboxUrl}");
        startInfo.ArgumentList.Add($"--Store:DataFolder={DataFolder}");
        foreach (var arg in _extraArgs)
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Development";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        // --urls decides where Kestrel listens; stray settings from the caller's shell must not add endpoints.
        foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS" })
        {
            startInfo.Environment.Remove(name);
        }

        StartCount++;
        Append($"[harness] start #{StartCount}: {startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}");

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Append(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Append("[stderr] " + e.Data);
            }
        };

        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        }

        _process = process;
        AppDomain.CurrentDomain.ProcessExit -= KillOnHostExit; // once, also across restarts
        AppDomain.CurrentDomain.ProcessExit += KillOnHostExit;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await WaitUntilLiveAsync(process, cancellationToken);
    }

    private async Task WaitUntilLiveAsync(Process process, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        var healthUrl = new Uri(BaseUrl + "/health/live");
        var stopwatch = Stopwatch.StartNew();
        var lastProblem = "no answer yet";

        while (stopwatch.Elapsed < StartTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                process.WaitForExit();
                throw new InvalidOperationException(
                    $"The portal exited with code {process.ExitCode} before {healthUrl} answered.\n--- last output ---\n{LogTail}");
            }

            try
            {
                using var response = await http.GetAsync(healthUrl, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Append($"[harness] {healthUrl} answered 200 after {stopwatch.Elapsed.TotalSeconds:0.0} s");
                    return;
                }

                lastProblem = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                lastProblem = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastProblem = "request timed out";
            }

            await Task.Delay(250, cancellationToken);
        }

        var tail = LogTail;
        await StopAsync();
        throw new TimeoutException(
            $"The portal did not answer 200 on {healthUrl} within {StartTimeout.TotalSeconds} s (last: {lastProblem}).\n--- last output ---\n{tail}");
    }

    private void Append(string line)
    {
        lock (_gate)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailCapacity)
            {
                _tail.Dequeue();
            }

            if (_logs.Length + line.Length + 1 > MaxLogChars)
            {
                _logs.Remove(0, Math.Min(_logs.Length, MaxLogChars / 4));
                _logsTruncated = true;
            }

            _logs.Append(line).Append('\n');
        }
    }

    private static (int First, int Second) PickTwoFreePorts()
    {
        // Hold both listeners at once so the two ports differ.
        var first = new TcpListener(IPAddress.Loopback, 0);
        var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        try
        {
            return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
        }
        finally
        {
            first.Stop();
            second.Stop();
            first.Dispose();
            second.Dispose();
        }
    }

    private static string DotnetHost()
    {
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
        {
            return hostPath;
        }

        var processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            return processPath;
        }

        var dotnetRoot = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (!string.IsNullOrEmpty(dotnetRoot) && File.Exists(Path.Combine(dotnetRoot, exe)))
        {
            return Path.Combine(dotnetRoot, exe);
        }

        return exe;
    }

    private static void TryDeleteFolder(string folder)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                return;
            }
            catch (IOException)
            {
                Thread.Sleep(200);
            }
            catch (UnauthorizedAccessException)
            {
                Thread.Sleep(200);
            }
        }
    }

    private static class NativeMethods
    {
        public const int SIGTERM = 15;

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // LibraryImport would need AllowUnsafeBlocks for one call.
        public static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
    }
}
