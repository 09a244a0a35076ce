using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Sandbox;
using Rrr.Sandbox.Clock;
using Rrr.Sandbox.Webhooks;

namespace Rrr.Portal.Tests.Sandbox.Ledger;

/// <summary>Events whose ledger transaction committed, in order (the real outbox still writes them).</summary>
internal sealed class RecordingObserver : IWebhookEventObserver
{
    public ConcurrentQueue<(string EventId, string Type, IReadOnlyDictionary<string, object?> Data)> Events { get; } = new();

    public void OnCommitted(string eventId, string type, IReadOnlyDictionary<string, object?> data) => Events.Enqueue((eventId, type, data));

    public IReadOnlyList<IReadOnlyDictionary<string, object?>> OfType(string type) =>
        Events.Where(e => e.Type == type).Select(e => e.Data).ToList();
}

/// <summary>A real sandbox on a loopback port with its own data folder, driven over plain HTTP + JSON.</summary>
internal sealed class SandboxLedgerHost : IAsyncDisposable
{
    private static int _keys;

    private SandboxLedgerHost(WebApplication app, Uri url, string folder, RecordingObserver events, bool ownsFolder)
    {
        App = app;
        Url = url;
        Folder = folder;
        Events = events;
        OwnsFolder = ownsFolder;
        Api = new HttpClient { BaseAddress = url };
        Api.DefaultRequestHeaders.Add("Authorization", "Bearer " + SandboxSettings.DevApiKey);
        Api.DefaultRequestHeaders.Add("X-Client-Id", "portal-tests");
        Browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = url };
    }

    public WebApplication App { get; }

    public Uri Url { get; }

    public string Folder { get; }

    public RecordingObserver Events { get; }

    public HttpClient Api { get; }

    /// <summary>No RRR credential; keeps cookies and does not follow redirects.</summary>
    public HttpClient Browser { get; }

    private bool OwnsFolder { get; set; }

    public static async Task<SandboxLedgerHost> StartAsync(string? folder = null, Uri? url = null)
    {
        var ownsFolder = folder is null;
        folder ??= Directory.CreateTempSubdirectory("rrr-ledger-").FullName;
        url ??= new Uri($"http://127.0.0.1:{FreePort()}");
        var events = new RecordingObserver();
        var app = SandboxApp.Build(
            new SandboxSettings { Url = url, DataFolder = folder },
            configureServices: s => s.AddSingleton<IWebhookEventObserver>(events));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new SandboxLedgerHost(app, url, folder, events, ownsFolder);
    }

    /// <summary>Stops this sandbox and starts a new one on the same data folder.</summary>
    public async Task<SandboxLedgerHost> RestartAsync()
    {
        OwnsFolder = false;
        await DisposeAsync();
        var restarted = await StartAsync(Folder);
        restarted.OwnsFolder = true;
        return restarted;
    }

    public static string NewKey() => "key-" + Interlocked.Increment(ref _keys) + "-" + Guid.NewGuid().ToString("N");

    public Task AdvanceClockAsync(double hours) =>
        App.Services.GetRequiredService<SandboxClock>().AdvanceAsync(TimeSpan.FromHours(hours), TestContext.Current.CancellationToken);

    public async Task<(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, object? body = null, string? key = null, string? trace = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        if (method != HttpMethod.Get)
        {
            request.Headers.Add("Idempotency-Key", key ?? NewKey());
        }

        if (trace is not null)
        {
            request.Headers.Add("X-Request-Trace", trace);
        }

        var response = await Api.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, json, response);
    }

    public Task<(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Response)> PostAsync(string path, object? body = null, string? key = null, string? trace = null) =>
        SendAsync(HttpMethod.Post, path, body ?? new { }, key, trace);

    public async Task<JsonElement> GetOkAsync(string path)
    {
        var (status, json, _) = await SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, status);
        return json;
    }

    public async Task<JsonElement> PostOkAsync(string path, object? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (status, json, _) = await PostAsync(path, body);
        Assert.True(status == expected, $"{path}: expected {expected}, got {status}: {json}");
        return json;
    }

    public Task<JsonElement> WalletAsync(string memberId) => GetOkAsync($"/v1/members/{memberId}/wallet");

    public async Task<long> AvailableAsync(string memberId) => (await WalletAsync(memberId)).GetProperty("available_points").GetInt64();

    /// <summary>Links an XCN user the way a member does: intent, code from the sandbox inbox, confirm.</summary>
    public async Task<JsonElement> LinkAsync(string xcnUserId)
    {
        var intent = await PostOkAsync("/v1/links/intents", new { xcn_user_id = xcnUserId }, HttpStatusCode.Created);
        var code = await CodeForAsync(intent.GetProperty("intent_id").GetString()!);
        return await PostOkAsync("/v1/links/confirm", new { intent_id = intent.GetProperty("intent_id").GetString(), code });
    }

    public async Task<string> CodeForAsync(string intentId)
    {
        var inbox = await Browser.GetFromJsonAsync<JsonElement>(new Uri("/sandbox/inbox", UriKind.Relative), TestContext.Current.CancellationToken);
        return inbox.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("intent_id").GetString() == intentId).GetProperty("code").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        Browser.Dispose();
        await App.DisposeAsync();
        if (OwnsFolder)
        {
            // SQLite's pool may still hold the file for a moment on some platforms; a leftover temp folder is harmless.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    // Never the same port twice in one process: the identity provider names its in-memory store after the
    // port, and re-seeding a store another sandbox left behind fails (EF InMemory has no ExecuteDelete).
    private static readonly ConcurrentDictionary<int, bool> UsedPorts = new();

    private static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (UsedPorts.TryAdd(port, true))
            {
                return port;
            }
        }
    }
}

/// <summary>One fresh sandbox per test: the tests change balances and must not see each other's changes.</summary>
public abstract class SandboxLedgerTest : IAsyncLifetime
{
    internal SandboxLedgerHost Sandbox { get; set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => Sandbox = await SandboxLedgerHost.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await Sandbox.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
