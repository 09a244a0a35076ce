using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;

// Points panel latency in a real browser (see README.md). The full run is not a test; test.sh runs only --smoke.
//   dotnet run -c Release --project bench/Rrr.Bench.PanelLatency [-- --loads 50 --configuration Release --smoke]
// --smoke (CI): the same sign-in and loads, 3 of them after 1 warm-up; every load must show the panel, the
// p95 target is reported but does not decide the exit code.
var settings = args.Select((a, i) => (a, i)).Where(t => t.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(t => t.a[2..], t => t.i + 1 < args.Length ? args[t.i + 1] : "", StringComparer.Ordinal);
var smoke = settings.ContainsKey("smoke");
var loads = settings.TryGetValue("loads", out var n) ? int.Parse(n, CultureInfo.InvariantCulture) : smoke ? 3 : 50;
var warmups = smoke ? 1 : 3;
var configuration = settings.GetValueOrDefault("configuration") ?? "Release";
var root = FindRoot();
var portalDll = Path.Combine(root, "src", "Rrr.Portal", "bin", configuration, "net10.0", "Rrr.Portal.dll");
var chromium = Environment.GetEnvironmentVariable("RRR_CHROMIUM_PATH") is { Length: > 0 } c ? c : "/usr/bin/chromium";

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"panel latency bench: {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
var (portalPort, sandboxPort) = TwoFreePorts();
var data = Path.Combine(Path.GetTempPath(), "rrr-bench-panel-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(data);
var start = new ProcessStartInfo("dotnet")
{
    RedirectStandardOutput = true,
    RedirectStandardError = true,
    UseShellExecute = false,
    // The content root: appsettings.Development.json (in-process sandbox, dev identity provider) is read from here.
    WorkingDirectory = Path.GetDirectoryName(portalDll)!,
};
foreach (var arg in new[] { "exec", portalDll, "--urls", $"http://127.0.0.1:{portalPort}", $"--Sandbox:Url=http://127.0.0.1:{sandboxPort}", $"--Store:DataFolder={data}", "--Logging:LogLevel:Default=Warning" })
{
    start.ArgumentList.Add(arg);
}

start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
using var portal = Process.Start(start)!;
var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
portal.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
portal.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
portal.BeginOutputReadLine();
portal.BeginErrorReadLine();
var baseUrl = $"http://127.0.0.1:{portalPort}";
try
{
    using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMinutes(2) };
    if (!await WaitLiveAsync(http, baseUrl))
    {
        Console.WriteLine(string.Join('\n', output.TakeLast(40)));
        Console.WriteLine("The portal did not answer /health/live within 120 s.");
        return 2;
    }

    foreach (var url in new[] { $"http://127.0.0.1:{sandboxPort}/.well-known/openid-configuration", $"http://127.0.0.1:{sandboxPort}/account/login", baseUrl + "/" })
    {
        using var _ = await http.GetAsync(new Uri(url));
    }

    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
    var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
    context.SetDefaultTimeout(60_000);
    context.SetDefaultNavigationTimeout(60_000);
    // Marks, in page time: the /_blazor WebSocket opening (the circuit starting) and the available-points
    // figure first carrying its data-value (RRR data on screen).
    await context.AddInitScriptAsync("""
        (() => {
          const Native = window.WebSocket;
          window.WebSocket = function (url, protocols) {
            const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
            if (String(url).includes('/_blazor')) {
              socket.addEventListener('open', () => { if (window.__circuitOpen === undefined) window.__circuitOpen = performance.now(); });
            }
            return socket;
          };
          window.WebSocket.prototype = Native.prototype;
          Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
          const seen = () => {
            if (window.__panelShown === undefined && document.querySelector('[data-testid="points-available"][data-value]')) {
              window.__panelShown = performance.now();
              window.__panelBeforeCircuit = window.__circuitOpen === undefined;
            }
          };
          new MutationObserver(seen).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-value'] });
          document.addEventListener('DOMContentLoaded', seen);
        })();
        """);
    var page = await context.NewPageAsync();
    for (var attempt = 1; ; attempt++)
    {
        try
        {
            await page.GotoAsync("/");
            await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First.ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in as Mia Member" }).ClickAsync();
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/member$"), new() { Timeout = 30_000 });
            break;
        }
        catch (TimeoutException ex) when (attempt < 3)
        {
            // Seen on a loaded 2-core box: the sign-in redirect chain lands on chromium's error page once.
            // Sign-in is not what is measured, so it is retried (and said) instead of failing the run.
            Console.WriteLine($"sign-in attempt {attempt} did not reach /member ({ex.Message.Split('\n')[0]}; at {page.Url}); retrying");
        }
    }

    await page.WaitForFunctionAsync("() => window.__panelShown !== undefined");

    var samples = new List<double>();
    var beforeCircuit = 0;
    for (var i = 0; i < loads + warmups; i++)
    {
        await page.GotoAsync("/member");
        await page.WaitForFunctionAsync("() => window.__panelShown !== undefined && window.__circuitOpen !== undefined");
        var marks = await page.EvaluateAsync<double[]>("() => [window.__circuitOpen, window.__panelShown, window.__panelBeforeCircuit ? 1 : 0]");
        if (i < warmups)
        {
            continue; // warm-up loads
        }

        beforeCircuit += marks[2] > 0 ? 1 : 0;
        samples.Add(Math.Max(0, marks[1] - marks[0]));
    }

    samples.Sort();
    double P(double q) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(q * samples.Count) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{samples.Count} loads of /member as mia: circuit open -> available points shown p50 {P(0.50):F0} ms, p95 {P(0.95):F0} ms, max {samples[^1]:F0} ms; shown before the circuit opened (prerendered) {beforeCircuit}; load average {LoadAverage()}"));
    var met = P(0.95) <= 200;
    Console.WriteLine(met ? "target p95 <= 200 ms: met" : "target p95 <= 200 ms: MISSED");
    if (smoke)
    {
        var counted = samples.Count == loads;
        Console.WriteLine(counted ? $"smoke: {samples.Count} of {loads} loads showed the panel: OK" : $"smoke: {samples.Count} of {loads} loads measured: MISMATCH");
        return counted ? 0 : 1;
    }

    return met ? 0 : 1;
}
finally
{
    if (!portal.HasExited)
    {
        portal.Kill(entireProcessTree: true);
        await portal.WaitForExitAsync();
    }

    try
    {
        Directory.Delete(data, recursive: true);
    }
    catch (IOException)
    {
        // Temp; the OS cleans it.
    }
}

static async Task<bool> WaitLiveAsync(HttpClient http, string baseUrl)
{
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromSeconds(120))
    {
        try
        {
            using var response = await http.GetAsync(new Uri(baseUrl + "/health/live"));
            if (response.IsSuccessStatusCode)
            {
                return true;
            }
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
        }

        await Task.Delay(200);
    }

    return false;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Rrr.Portal.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Rrr.Portal.sln not found above " + AppContext.BaseDirectory);
}

// Both listeners open at once, so the two ports differ.
static (int, int) TwoFreePorts()
{
    using var a = new TcpListener(IPAddress.Loopback, 0);
    using var b = new TcpListener(IPAddress.Loopback, 0);
    a.Start();
    b.Start();
    return (((IPEndPoint)a.LocalEndpoint).Port, ((IPEndPoint)b.LocalEndpoint).Port);
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
