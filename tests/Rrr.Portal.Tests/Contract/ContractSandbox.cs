using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Earn;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Links;
using Rrr.Portal.Tests.Rrr;
using Rrr.Sandbox;

namespace Rrr.Portal.Tests.Contract;

/// <summary>
/// The real sandbox on a loopback port and the real RRR client (every handler, resilience included)
/// pointed at it: nothing between the Refit interface and the sandbox's ledger is faked.
/// </summary>
public sealed class ContractSandbox : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rrr-contract-").FullName;
    private WebApplication? _sandbox;
    private ServiceProvider? _client;

    public Uri Url { get; } = new($"http://127.0.0.1:{FreePort()}");

    public MemoryCallLog CallLog { get; } = new();

    /// <summary>Talks to the sandbox's own /sandbox/* endpoints (inbox, faults, clock).</summary>
    public HttpClient Extras { get; private set; } = null!;

    public T Api<T>()
        where T : notnull => _client!.GetRequiredService<T>();

    public async ValueTask InitializeAsync()
    {
        _sandbox = SandboxApp.Build(new SandboxSettings { Url = Url, DataFolder = _folder });
        await _sandbox.StartAsync();
        Extras = new HttpClient { BaseAddress = Url };

        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IRrrCallLog>(CallLog);
        services.AddRrrClient(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rrr:BaseUrl"] = Url.ToString(),
            ["Rrr:ClientId"] = "xcn-portal-contract",
            ["Rrr:ApiKey"] = SandboxSettings.DevApiKey,
            ["Rrr:RetryBaseDelay"] = "00:00:00.010",
        }).Build());
        _client = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        Extras?.Dispose();
        if (_sandbox is not null)
        {
            await _sandbox.StopAsync();
            await _sandbox.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing handle; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>A new XCN user linked through the real wizard flow (intent → code from the RRR inbox → confirm).</summary>
    public async Task<ConfirmedLink> LinkNewUserAsync(string? rrrMemberId = null)
    {
        var xcnUserId = "xcn_u_c" + Guid.NewGuid().ToString("N")[..12];
        var links = Api<IRrrLinksApi>();
        var attempt = Guid.NewGuid().ToString("N");
        var intent = await links.CreateIntentAsync(
            new CreateLinkIntentRequest(xcnUserId, rrrMemberId),
            IdempotencyKeys.LinkIntent(xcnUserId, attempt),
            TestContext.Current.CancellationToken);
        var code = await CodeForAsync(intent.IntentId);
        return await links.ConfirmAsync(
            new ConfirmLinkRequest(intent.IntentId, code),
            IdempotencyKeys.LinkConfirm(intent.IntentId, 1),
            TestContext.Current.CancellationToken);
    }

    public async Task<string> CodeForAsync(string intentId)
    {
        var inbox = await Extras.GetFromJsonAsync<JsonElement>(new Uri("/sandbox/inbox", UriKind.Relative), TestContext.Current.CancellationToken);
        return inbox.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("intent_id").GetString() == intentId)
            .GetProperty("code").GetString()!;
    }

    public Task<EarnEvent> EarnAsync(string xcnUserId, string orderNumber, decimal amount, string? key = null) =>
        Api<IRrrEarnApi>().PostEarnEventAsync(
            new EarnEventRequest(xcnUserId, orderNumber, EarnProduct.Tokens, new Money(amount, "USD"), PostingMode.Immediate),
            key ?? IdempotencyKeys.EarnTokens(orderNumber),
            TestContext.Current.CancellationToken);

    public async Task SetFaultsAsync(object faults)
    {
        using var response = await Extras.PutAsJsonAsync(new Uri("/sandbox/faults", UriKind.Relative), faults, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task AdvanceClockAsync(int hours)
    {
        using var response = await Extras.PostAsJsonAsync(new Uri("/sandbox/clock/advance", UriKind.Relative), new { hours }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public static string NewOrder() => "ord_" + Guid.NewGuid().ToString("N")[..16];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
