using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.Rehearsal.Infrastructure;

[CollectionDefinition(Name)]
public sealed class RehearsalCollection : ICollectionFixture<RehearsalFixture>
{
    public const string Name = "Production rehearsal";
}

/// <summary>One person the identity provider knows: a short name for reports, the subject (also the login typed at its form), name and role claims.</summary>
public sealed record RehearsalAccount(string Login, string Subject, string Name, string Role);

/// <summary>
/// The portal as XCN deploys it, on this machine: the published portal (ASPNETCORE_ENVIRONMENT=Production, real
/// settings only) and the published sandbox (playing RRR and XCN's payment system) behind nginx terminating TLS
/// with a throw-away CA, and oidc-provider as the identity provider. Three names under <c>.rehearsal.localhost</c>
/// (loopback by RFC 6761; chromium is told the same with a resolver rule) on one high nginx port.
/// Anything missing (published output, nginx, openssl, node with the idp's packages, chromium) fails here, naming
/// how to get it: the rehearsal never passes by skipping.
/// </summary>
public sealed class RehearsalFixture : IAsyncLifetime
{
    public const string PortalName = "portal.rehearsal.localhost";
    public const string IdpName = "idp.rehearsal.localhost";
    public const string RrrName = "rrr.rehearsal.localhost";
    public const string ArtifactsVariable = "RRR_REHEARSAL_ARTIFACTS";
    private const string PrepareHint = "Run `bash .ci/rehearsal-prepare.sh` first (test.sh does).";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    public static readonly RehearsalAccount Mia = new("mia", "xcn_u_1001", "Mia Member", "member");
    public static readonly RehearsalAccount Oli = new("oli", "xcn_u_1003", "Oli Member", "member");
    public static readonly RehearsalAccount Luna = new("luna", "xcn_u_2001", "Luna Model", "model");
    public static readonly RehearsalAccount Ada = new("ada", "xcn_u_9001", "Ada Admin", "admin");
    public static readonly RehearsalAccount Grace = new("grace", "xcn_u_9002", "Grace Admin", "admin");
    public static readonly RehearsalAccount Hugo = new("hugo", "xcn_u_9003", "Hugo Admin", "admin");
    public static readonly IReadOnlyList<RehearsalAccount> Accounts = [Mia, Oli, Luna, Ada, Grace, Hugo];

    private readonly List<ChildProcess> _processes = [];
    private string _work = "";
    private X509Certificate2? _ca;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public int ProxyPort { get; private set; }

    public string PortalUrl => $"https://{PortalName}:{ProxyPort}";

    public string IdpUrl => $"https://{IdpName}:{ProxyPort}";

    public string RrrUrl => $"https://{RrrName}:{ProxyPort}";

    /// <summary>RRR's API credential (the sandbox's, never its published development one).</summary>
    public string RrrApiKey { get; } = Secret("rrr-api-");

    /// <summary>The X-Internal-Key of XCN's payment system.</summary>
    public string InternalKey { get; } = Secret("xcn-internal-");

    /// <summary>The bearer key Prometheus scrapes <c>/metrics</c> with (a scraper cannot sign in through OIDC).</summary>
    public string ScrapeKey { get; } = Secret("prometheus-scrape-");

    public string WebhookSecret { get; } = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string OidcClientSecret { get; } = Secret("oidc-");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The rehearsal has not started.");

    /// <summary>An https client for the three names through nginx, trusting only the throw-away CA.</summary>
    public HttpClient Https { get; private set; } = null!;

    public ChildProcess Portal { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var artifacts = Environment.GetEnvironmentVariable(ArtifactsVariable) is { Length: > 0 } a
            ? Path.GetFullPath(a)
            : Path.Combine(RepoPaths.Root, "artifacts", "rehearsal");
        var portalDll = Require(Path.Combine(artifacts, "portal", "Rrr.Portal.dll"), "the published portal");
        var sandboxDll = Require(Path.Combine(artifacts, "sandbox", "Rrr.Sandbox.dll"), "the published sandbox");
        var idpDir = Path.Combine(RepoPaths.Root, "tests", "Rrr.Rehearsal", "idp");
        Require(Path.Combine(idpDir, "node_modules", "oidc-provider", "package.json"), "the identity provider's npm packages (npm ci in tests/Rrr.Rehearsal/idp)");
        var nginx = Tool("nginx", "/usr/sbin/nginx", "apt-get install -y nginx");
        var openssl = Tool("openssl", "/usr/bin/openssl", "apt-get install -y openssl");
        var node = Tool("node", "/usr/bin/node", "apt-get install -y nodejs npm");
        var chromium = BrowserFixture.FindChromium() ?? throw new InvalidOperationException(BrowserFixture.ChromiumNotFoundMessage);
        foreach (var name in new[] { PortalName, IdpName, RrrName })
        {
            var addresses = await Dns.GetHostAddressesAsync(name, ct);
            if (addresses.Length == 0 || !addresses.All(IPAddress.IsLoopback))
            {
                throw new InvalidOperationException(
                    $"{name} does not resolve to loopback here ({string.Join(", ", addresses.Select(x => x.ToString()))}); add '127.0.0.1 {name}' to /etc/hosts. {PrepareHint}");
            }
        }

        _work = Directory.CreateTempSubdirectory("rrr-rehearsal-").FullName;
        var ports = FreePorts(4);
        ProxyPort = ports[0];
        int idpPort = ports[1], sandboxPort = ports[2], portalPort = ports[3];

        var tls = await MakeCertificatesAsync(openssl, ct);
        _ca = X509CertificateLoader.LoadCertificateFromFile(tls.CaFile);
        Https = new HttpClient(TrustingHandler(_ca, ProxyPort)) { Timeout = TimeSpan.FromSeconds(60) };

        // nginx: the sample configuration from docs/, filled in.
        var prefix = Directory.CreateDirectory(Path.Combine(_work, "nginx")).FullName;
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        var config = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "nginx", "rrr-portal.conf"), ct))
            .Replace("@PREFIX@", prefix, StringComparison.Ordinal)
            .Replace("@LISTEN@", $"127.0.0.1:{ProxyPort}", StringComparison.Ordinal)
            .Replace("@CERT@", tls.LeafFile, StringComparison.Ordinal)
            .Replace("@KEY@", tls.KeyFile, StringComparison.Ordinal)
            .Replace("@PORTAL_NAME@", PortalName, StringComparison.Ordinal)
            .Replace("@PORTAL_UPSTREAM@", $"127.0.0.1:{portalPort}", StringComparison.Ordinal)
            .Replace("@IDP_NAME@", IdpName, StringComparison.Ordinal)
            .Replace("@IDP_UPSTREAM@", $"127.0.0.1:{idpPort}", StringComparison.Ordinal)
            .Replace("@RRR_NAME@", RrrName, StringComparison.Ordinal)
            .Replace("@RRR_UPSTREAM@", $"127.0.0.1:{sandboxPort}", StringComparison.Ordinal);
        var configFile = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(configFile, config, ct);
        // As root nginx would switch its worker to a user that cannot read the temp folder; the rehearsal keeps it as is.
        var userLine = Environment.UserName == "root" ? "user root; " : "";
        Start("nginx", nginx, ["-p", prefix, "-c", configFile, "-g", userLine + "daemon off;"], prefix, new Dictionary<string, string>());

        // The identity provider, knowing the portal as its one client.
        var idpAccounts = Accounts.ToDictionary(x => x.Subject, x => new { name = x.Name, role = new[] { x.Role } });
        Start("identity provider", node, [Path.Combine(idpDir, "idp.mjs")], idpDir, new Dictionary<string, string>
        {
            ["IDP_ISSUER"] = IdpUrl,
            ["IDP_PORT"] = idpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["IDP_CLIENT_ID"] = "rrr-portal-rehearsal",
            ["IDP_CLIENT_SECRET"] = OidcClientSecret,
            ["IDP_REDIRECT_URI"] = PortalUrl + "/signin-oidc",
            ["IDP_POST_LOGOUT_URI"] = PortalUrl + "/signout-callback-oidc",
            ["IDP_ACCOUNTS"] = JsonSerializer.Serialize(idpAccounts),
        });

        // Both .NET processes trust the throw-away CA the way OpenSSL-based .NET on Linux does: SSL_CERT_FILE.
        var trust = new Dictionary<string, string> { ["SSL_CERT_FILE"] = tls.CaFile, ["DOTNET_NOLOGO"] = "1" };
        var dotnet = DotnetHost();
        Start("sandbox", dotnet,
            ["exec", sandboxDll, "--url", RrrUrl, "--listen", $"http://127.0.0.1:{sandboxPort}", "--portal", PortalUrl,
                "--api-key", RrrApiKey, "--internal-key", InternalKey, "--webhook-secrets", WebhookSecret,
                "--data", Directory.CreateDirectory(Path.Combine(_work, "sandbox-data")).FullName],
            Path.GetDirectoryName(sandboxDll)!, trust);

        var portalEnv = new Dictionary<string, string>(trust)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{portalPort}",
            ["Oidc__Authority"] = IdpUrl + "/",
            ["Oidc__ClientId"] = "rrr-portal-rehearsal",
            ["Oidc__ClientSecret"] = OidcClientSecret,
            ["Rrr__BaseUrl"] = RrrUrl + "/",
            ["Rrr__ApiKey"] = RrrApiKey,
            ["Webhooks__Secrets__0"] = WebhookSecret,
            ["Internal__ApiKeys__0"] = InternalKey,
            ["Metrics__ScrapeKeys__0"] = ScrapeKey,
            ["Approvals__ChainKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Store__DataFolder"] = Directory.CreateDirectory(Path.Combine(_work, "portal-data")).FullName,
            ["ReverseProxy__KnownProxies__0"] = "127.0.0.1",
            ["DataProtection__CertificatePath"] = tls.KeyProtectionCert,
            ["DataProtection__CertificateKeyPath"] = tls.KeyProtectionKey,
            ["FeatureManagement__PointsPanel"] = "true",
            ["FeatureManagement__AccountLinking"] = "true",
            ["FeatureManagement__Checkout"] = "true",
            ["FeatureManagement__SsoDeepLink"] = "true",
            ["FeatureManagement__AutomaticEarn"] = "true",
            ["XcnRooms__Rooms__0__ModelXcnUserId"] = Luna.Subject,
            ["XcnRooms__Rooms__0__RoomId"] = "xcn_room_2001",
            ["XcnRooms__Rooms__0__StreamId"] = "xcn_stream_2001_live",
            ["XcnRooms__Rooms__0__Title"] = "Luna's live room",
            ["XcnRooms__Rooms__0__Viewers__0__XcnUserId"] = Oli.Subject,
            ["XcnRooms__Rooms__0__Viewers__0__DisplayName"] = "oli",
            ["XcnRooms__Rooms__0__Viewers__1__XcnUserId"] = "xcn_u_1004",
            ["XcnRooms__Rooms__0__Viewers__1__DisplayName"] = "pia",
        };
        Portal = Start("portal", dotnet, ["exec", portalDll], Path.GetDirectoryName(portalDll)!, portalEnv);

        await WaitForAsync(IdpUrl + "/.well-known/openid-configuration", ct);
        await WaitForAsync(RrrUrl + "/health", ct);
        await WaitForAsync(PortalUrl + "/health/live", ct);

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args =
            [
                .. BrowserFixture.LaunchArgs,
                // Trust exactly the rehearsal's leaf key, not every certificate error.
                "--ignore-certificate-errors-spki-list=" + tls.LeafSpkiHash,
                $"--host-resolver-rules=MAP *.rehearsal.localhost 127.0.0.1",
            ],
        });
    }

    /// <summary>A fresh browser context whose relative URLs resolve against the portal's public https address.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = PortalUrl,
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultNavigationTimeout(60_000);
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>What every process said last, for a failing test's output.</summary>
    public string Diagnostics() =>
        string.Join("\n", _processes.Select(p => $"--- {p.Name}{(p.HasExited ? " (exited)" : "")} ---\n{p.LogTail}"));

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        Https?.Dispose();
        _ca?.Dispose();
        if (_work.Length > 0)
        {
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    private ChildProcess Start(string name, string file, IEnumerable<string> args, string cwd, IReadOnlyDictionary<string, string> env)
    {
        var process = ChildProcess.Start(name, file, args, cwd, env);
        _processes.Add(process);
        return process;
    }

    private async Task WaitForAsync(string url, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var last = "no answer yet";
        while (watch.Elapsed < StartTimeout)
        {
            foreach (var process in _processes)
            {
                process.ThrowIfExited();
            }

            try
            {
                using var response = await Https.GetAsync(new Uri(url), ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(300, ct);
        }

        throw new TimeoutException($"{url} did not answer 2xx through nginx within {StartTimeout.TotalSeconds} s (last: {last}).\n{Diagnostics()}");
    }

    private sealed record Tls(string CaFile, string LeafFile, string KeyFile, string LeafSpkiHash, string KeyProtectionCert, string KeyProtectionKey);

    /// <summary>A CA that lives as long as this run, and one leaf for the three names, made with openssl.</summary>
    private async Task<Tls> MakeCertificatesAsync(string openssl, CancellationToken ct)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_work, "tls")).FullName;
        string F(string name) => Path.Combine(dir, name);
        await File.WriteAllTextAsync(F("leaf.ext"), $"""
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth
            subjectAltName=DNS:{PortalName},DNS:{IdpName},DNS:{RrrName}
            """, ct);
        await RunAsync(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", F("ca.key"), "-out", F("ca.pem"), "-days", "2",
            "-subj", "/CN=RRR rehearsal throw-away CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], ct);
        await RunAsync(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", F("leaf.key"), "-out", F("leaf.csr"), "-subj", "/CN=" + PortalName], ct);
        await RunAsync(openssl, ["x509", "-req", "-in", F("leaf.csr"), "-CA", F("ca.pem"), "-CAkey", F("ca.key"), "-CAcreateserial",
            "-out", F("leaf.pem"), "-days", "2", "-extfile", F("leaf.ext")], ct);
        var spki = await RunAsync(openssl, ["x509", "-in", F("leaf.pem"), "-noout", "-pubkey"], ct);
        await File.WriteAllTextAsync(F("leaf.pub"), spki, ct);
        await RunAsync(openssl, ["pkey", "-pubin", "-in", F("leaf.pub"), "-outform", "DER", "-out", F("leaf.spki")], ct);
        var hash = Convert.ToBase64String(SHA256.HashData(await File.ReadAllBytesAsync(F("leaf.spki"), ct)));

        // The certificate that encrypts the portal's data-protection keys at rest (Production refuses plain keys).
        await RunAsync(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", F("dp.key"), "-out", F("dp.pem"), "-days", "2",
            "-subj", "/CN=RRR rehearsal key protection"], ct);
        return new Tls(F("ca.pem"), F("leaf.pem"), F("leaf.key"), hash, F("dp.pem"), F("dp.key"));
    }

    private static async Task<string> RunAsync(string file, IEnumerable<string> args, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + file);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', info.ArgumentList)} failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }

    /// <summary>Connects every name to nginx's loopback port and accepts only chains that end at the throw-away CA.</summary>
    private static SocketsHttpHandler TrustingHandler(X509Certificate2 ca, int proxyPort) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        ConnectCallback = async (context, token) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxyPort), token);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            },
        },
    };

    private static string Require(string path, string what) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"The rehearsal needs {what} at {path}, which does not exist. {PrepareHint}");

    private static string Tool(string name, string usual, string install)
    {
        if (File.Exists(usual))
        {
            return usual;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"The rehearsal needs {name}, which is not installed. Install it with: {install}. {PrepareHint}");
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    private static string Secret(string prefix) => prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
