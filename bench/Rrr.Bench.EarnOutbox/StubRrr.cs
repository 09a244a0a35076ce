using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Rrr.Bench.EarnOutbox;

/// <summary>
/// A bare Kestrel <c>POST /v1/earn-events</c> answering 201 like RRR (no ledger, no idempotency store), so the
/// outbox and dispatcher's own ceiling shows apart from the sandbox's. Counts orders to check none doubled.
/// </summary>
internal sealed class StubRrr : IAsyncDisposable
{
    private long sequence;

    private StubRrr(WebApplication app) => App = app;

    public WebApplication App { get; }

    public ConcurrentDictionary<string, int> PerOrder { get; } = new(StringComparer.Ordinal);

    public Uri Url => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<StubRrr> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new StubRrr(app);
        app.MapPost("/v1/earn-events", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var order = body.RootElement.GetProperty("order_number").GetString()!;
            stub.PerOrder.AddOrUpdate(order, 1, (_, n) => n + 1);
            var id = string.Create(CultureInfo.InvariantCulture, $"ee_stub_{Interlocked.Increment(ref stub.sequence)}");
            return Results.Json(
                new Dictionary<string, object> { ["earn_event_id"] = id, ["rrr_member_id"] = "rrr_m_1001", ["points"] = 10, ["status"] = "POSTED", ["available_at"] = "2026-11-25T13:00:00Z" },
                statusCode: StatusCodes.Status201Created);
        });
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
