using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rrr.Core.Features;
using Rrr.Core.Features.Earn;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Earn;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Links;
using Rrr.Persistence.Sqlite;
using Rrr.Portal.Tests.Rrr;
using Rrr.Sandbox;

namespace Rrr.Portal.Tests.Contract;

/// <summary>
/// The earn dispatcher with the real RRR client against the real sandbox over loopback, and the sandbox's
/// purchase simulator against a stand-in portal: what RRR ends up with is counted in the sandbox's ledger.
/// </summary>
public sealed class EarnSandboxContractTests : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("rrr-earn-contract-").FullName;
    private readonly Uri sandboxUrl = new($"http://127.0.0.1:{FreePort()}");
    private readonly Uri portalUrl = new($"http://127.0.0.1:{FreePort()}");
    private readonly List<(string Path, string? Key, JsonElement Body)> portalCalls = [];
    private readonly EarnOptions settings = new() { FirstRetryDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(20) };
    private WebApplication sandbox = null!;
    private WebApplication portal = null!;
    private ServiceProvider client = null!;
    private SqlitePorts sqlite = null!;
    private SqliteEarnOutbox store = null!;
    private HttpClient extras = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        sandbox = SandboxApp.Build(new SandboxSettings { Url = sandboxUrl, DataFolder = Path.Combine(folder, "sandbox"), PortalUrl = portalUrl, PortalInternalKey = "key-for-tests" });
        await sandbox.StartAsync(Ct);
        extras = new HttpClient { BaseAddress = sandboxUrl };

        // A stand-in for the portal's internal endpoint: records what the simulator sends.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(portalUrl.ToString());
        portal = builder.Build();
        portal.MapPost("/internal/orders/{kind}", async (HttpContext http) =>
        {
            var body = await http.Request.ReadFromJsonAsync<JsonElement>();
            lock (portalCalls)
            {
                portalCalls.Add((http.Request.Path, http.Request.Headers["X-Internal-Key"].ToString(), body));
            }

            return Results.Json(new { status = "PENDING" }, statusCode: StatusCodes.Status202Accepted);
        });
        await portal.StartAsync(Ct);

        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<Core.Rrr.Http.IRrrCallLog>(new MemoryCallLog());
        services.AddRrrClient(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rrr:BaseUrl"] = sandboxUrl.ToString(),
            ["Rrr:ClientId"] = "xcn-portal-earn-contract",
            ["Rrr:ApiKey"] = SandboxSettings.DevApiKey,
            ["Rrr:RetryBaseDelay"] = "00:00:00.010",

            // An outage's Retry-After (5 s) ends the call at once instead of being waited out inside it.
            ["Rrr:MaxRetryAfter"] = "00:00:00",

            // The outage opens the shared circuit; a short break lets recovery show within the test.
            ["Rrr:CircuitBreaker:BreakDuration"] = "00:00:00.500",
        }).Build());
        client = services.BuildServiceProvider();
        sqlite = SqlitePorts.Open(Path.Combine(folder, "portal"), "portal.db");
        await sqlite.InitializeAsync(Ct);
        store = sqlite.Outbox;
    }

    public async ValueTask DisposeAsync()
    {
        await client.DisposeAsync();
        extras.Dispose();
        await portal.StopAsync();
        await portal.DisposeAsync();
        await sandbox.StopAsync();
        await sandbox.DisposeAsync();
        sqlite.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A closing handle; the OS cleans temp.
        }
    }

    private EarnDispatcher Dispatcher() => new(
        store, client.GetRequiredService<IRrrEarnApi>(), new EarnSignal(), TimeProvider.System, Options.Create(settings), NullLogger<EarnDispatcher>.Instance,
        Features.Earn.FeatureSwitch.AutomaticEarnOn(), Held());

    private HeldEarnings Held() => new(
        store, new EarnSignal(), new PortalEvents(NullLogger<PortalEvents>.Instance), TimeProvider.System, Options.Create(settings), NullLogger<HeldEarnings>.Instance);

    private static EarnOrder Paid(string order, string user = "xcn_u_1001") =>
        new(order, OrderEventKind.Paid, user, EarnProduct.Tokens, new Money(10.99m, "USD"), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    private async Task DrainAsync(EarnDispatcher dispatcher)
    {
        // Rows waiting out a (20 ms) backoff are not claimed yet; keep passing until nothing is open.
        for (var pass = 0; pass < 400; pass++)
        {
            await dispatcher.RunOnceAsync(Ct);
            var counts = await store.CountByStatusAsync(Ct);
            if (counts[OutboxStatus.Pending] + counts[OutboxStatus.Claimed] == 0)
            {
                return;
            }

            await Task.Delay(25, Ct);
        }
    }

    private async Task<JsonElement> EarnEventsAsync(string prefix) =>
        await extras.GetFromJsonAsync<JsonElement>(new Uri($"/sandbox/earn-events?order_prefix={prefix}", UriKind.Relative), Ct);

    [Fact]
    public async Task OrdersAcceptedDuringAnOutage_AllEarnOnceAfterRecovery_AndARefundIsReversed()
    {
        var prefix = "ord_" + Guid.NewGuid().ToString("N")[..8] + "_";
        await store.TryAddManyAsync([.. Enumerable.Range(0, 30).Select(i => Paid($"{prefix}{i:D3}"))], Ct);
        await SetOutageAsync(true);
        var dispatcher = Dispatcher();

        for (var pass = 0; pass < 3; pass++)
        {
            await dispatcher.RunOnceAsync(Ct);
            await Task.Delay(30, Ct);
        }

        Assert.Equal(0, (await EarnEventsAsync(prefix)).GetProperty("total").GetInt32());
        Assert.All(await store.ListAsync(OutboxStatus.Pending, 100, Ct), r => Assert.Equal(0, r.Attempts));

        await SetOutageAsync(false);
        await DrainAsync(dispatcher);

        var earned = await EarnEventsAsync(prefix);
        Assert.Equal((30, 30, 30L), (earned.GetProperty("total").GetInt32(), earned.GetProperty("distinct_orders").GetInt32(), earned.GetProperty("earn_entries").GetInt64()));
        Assert.All(earned.GetProperty("items").EnumerateArray(), e => Assert.Equal(10, e.GetProperty("points").GetInt64()));

        await store.TryAddManyAsync([new EarnOrder($"{prefix}007", OrderEventKind.Refunded, "xcn_u_1001", EarnProduct.Tokens, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)], Ct);
        await DrainAsync(dispatcher);

        var refund = await ((IEarnOutbox)store).GetAsync(new OutboxKey($"{prefix}007", OrderEventKind.Refunded), Ct);
        Assert.Equal((OutboxStatus.Posted, EarnPostResult.Reversed), (refund!.Status, refund.Result!.Status));
        var reversed = (await EarnEventsAsync(prefix + "007")).GetProperty("items")[0];
        Assert.Equal("REVERSED", reversed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnUnlinkedBuyersOrder_IsHeld_AndEarnsOnceAfterTheyLink_ThoughRrrReplaysItsNotLinkedForTheFirstKey()
    {
        const string noah = "xcn_u_1002";
        var order = "ord_" + Guid.NewGuid().ToString("N")[..12];
        await store.TryAddManyAsync([Paid(order, user: noah)], Ct);

        await DrainAsync(Dispatcher());

        var row = await ((IEarnOutbox)store).GetAsync(new OutboxKey(order, OrderEventKind.Paid), Ct);
        Assert.Equal((OutboxStatus.Held, "not_linked"), (row!.Status, row.LastError));
        Assert.Equal(0, (await EarnEventsAsync(order)).GetProperty("total").GetInt32());

        // Noah links (intent, the code from the RRR inbox, confirm), and the portal hears of it.
        var links = client.GetRequiredService<IRrrLinksApi>();
        var intent = await links.CreateIntentAsync(new CreateLinkIntentRequest(noah, null), IdempotencyKeys.LinkIntent(noah, "held"), Ct);
        var inbox = await extras.GetFromJsonAsync<JsonElement>(new Uri("/sandbox/inbox", UriKind.Relative), Ct);
        var code = inbox.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("intent_id").GetString() == intent.IntentId).GetProperty("code").GetString()!;
        await links.ConfirmAsync(new ConfirmLinkRequest(intent.IntentId, code), IdempotencyKeys.LinkConfirm(intent.IntentId, 1), Ct);
        Assert.Equal(1, await Held().ReleaseAsync(noah, Ct));
        await DrainAsync(Dispatcher());

        // The sandbox stores 4xx answers per key (24 h): posted under the first key, this would be held again.
        row = await ((IEarnOutbox)store).GetAsync(new OutboxKey(order, OrderEventKind.Paid), Ct);
        Assert.Equal((OutboxStatus.Posted, 1), (row!.Status, row.KeyGeneration));
        Assert.Equal(0, await Held().ReleaseAsync(noah, Ct));
        await DrainAsync(Dispatcher());
        var earned = await EarnEventsAsync(order);
        Assert.Equal((1, 1L), (earned.GetProperty("total").GetInt32(), earned.GetProperty("earn_entries").GetInt64()));
        Assert.Equal(10, earned.GetProperty("items")[0].GetProperty("points").GetInt64());
    }

    [Fact]
    public async Task AMembershipOrdersPlanAndTier_ReachRrr_AndTheWalletReportsTheTier()
    {
        var order = "ord_" + Guid.NewGuid().ToString("N")[..12];
        var wallets = client.GetRequiredService<Core.Rrr.Wallet.IRrrWalletApi>();
        Assert.Equal("PREMIUM", (await wallets.GetWalletAsync("rrr_m_1001", Ct)).Tier);
        await store.TryAddManyAsync(
            [new EarnOrder(order, OrderEventKind.Paid, "xcn_u_1001", EarnProduct.Membership, new Money(9.99m, "USD"), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "monthly", "BASIC")],
            Ct);

        await DrainAsync(Dispatcher());

        var row = await ((IEarnOutbox)store).GetAsync(new OutboxKey(order, OrderEventKind.Paid), Ct);
        Assert.Equal(OutboxStatus.Posted, row!.Status);
        Assert.Equal("BASIC", (await wallets.GetWalletAsync("rrr_m_1001", Ct)).Tier);
        Assert.Null((await wallets.GetWalletAsync("rrr_m_1003", Ct)).Tier);
    }

    [Fact]
    public async Task SandboxMembershipPurchase_SendsThePlanPicked_MonthlyByDefault_AndTokensNone()
    {
        foreach (var body in new object[]
        {
            new { xcn_user_id = "xcn_u_1001", product = "MEMBERSHIP", amount = "99.00", membership_plan = "yearly" },
            new { xcn_user_id = "xcn_u_1001", product = "MEMBERSHIP", amount = "9.99" },
            new { xcn_user_id = "xcn_u_1001", product = "TOKENS", amount = "9.99" },
        })
        {
            using var purchase = await extras.PostAsJsonAsync(new Uri("/sandbox/xcn/purchases", UriKind.Relative), body, Ct);
            Assert.Equal(HttpStatusCode.OK, purchase.StatusCode);
        }

        using var mixUp = await extras.PostAsJsonAsync(new Uri("/sandbox/xcn/purchases", UriKind.Relative),
            new { xcn_user_id = "xcn_u_1001", product = "TOKENS", amount = "9.99", membership_plan = "monthly" }, Ct);

        var plans = portalCalls.Select(c => c.Body.TryGetProperty("membership_plan", out var plan) ? plan.GetString() : null).ToList();
        Assert.Equal(["yearly", "monthly", null], plans);
        Assert.Equal(HttpStatusCode.BadRequest, mixUp.StatusCode);
    }

    [Fact]
    public async Task SandboxPurchaseAndRefund_ReportTheOrderToThePortal_WithTheInternalKey()
    {
        var purchase = await extras.PostAsJsonAsync(new Uri("/sandbox/xcn/purchases", UriKind.Relative),
            new { xcn_user_id = "xcn_u_1001", product = "MEMBERSHIP", amount = "19.99" }, Ct);
        var body = await purchase.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var order = body.GetProperty("order_number").GetString()!;
        var refund = await extras.PostAsJsonAsync(new Uri("/sandbox/xcn/refunds", UriKind.Relative), new { order_number = order }, Ct);

        Assert.Equal(HttpStatusCode.OK, purchase.StatusCode);
        Assert.Equal(202, body.GetProperty("portal_status").GetInt32());
        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        Assert.Equal(2, portalCalls.Count);
        var (paidPath, paidKey, paid) = portalCalls[0];
        Assert.Equal(("/internal/orders/paid", "key-for-tests"), (paidPath, paidKey));
        Assert.Equal((order, "xcn_u_1001", "MEMBERSHIP", "19.99", "USD", "monthly"), (
            paid.GetProperty("order_number").GetString(), paid.GetProperty("xcn_user_id").GetString(), paid.GetProperty("product").GetString(),
            paid.GetProperty("amount").GetString(), paid.GetProperty("currency").GetString(), paid.GetProperty("membership_plan").GetString()));
        var (refundPath, refundKey, refunded) = portalCalls[1];
        Assert.Equal(("/internal/orders/refunded", "key-for-tests", order), (refundPath, refundKey, refunded.GetProperty("order_number").GetString()));
        Assert.Equal("MEMBERSHIP", refunded.GetProperty("product").GetString());
    }

    private async Task SetOutageAsync(bool outage)
    {
        using var response = await extras.PutAsJsonAsync(new Uri("/sandbox/faults", UriKind.Relative), new { outage }, Ct);
        response.EnsureSuccessStatusCode();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
