using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features.Earn;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Earn;
using Rrr.Persistence.Sqlite;
using Rrr.Portal.Auth;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Api;

/// <summary>The earn outbox's part of /health/ready, over the real SQLite outbox.</summary>
public sealed class EarnOutboxHealthTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-outbox-health-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(T0);
    private SqlitePorts sqlite = null!;
    private SqliteEarnOutbox store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        sqlite = SqlitePorts.Open(root, "portal.db");
        await sqlite.InitializeAsync(Ct);
        store = sqlite.Outbox;
    }

    public ValueTask DisposeAsync()
    {
        sqlite.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
        return ValueTask.CompletedTask;
    }

    private Task<HealthCheckResult> CheckAsync() =>
        new EarnOutboxHealthCheck(store, time, Options.Create(new EarnOptions { HealthMaxBacklogAge = TimeSpan.FromMinutes(10) }))
            .CheckHealthAsync(new HealthCheckContext(), Ct);

    private static EarnOrder Paid(string order) =>
        new(order, OrderEventKind.Paid, "xcn_u_1001", EarnProduct.Tokens, new Money(10m, "USD"), T0, T0);

    [Fact]
    public async Task EmptyOutbox_IsHealthy_WithZeroes()
    {
        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal((0L, 0L, 0L), ((long)result.Data["backlog"], (long)result.Data["oldest_age_seconds"], (long)result.Data["dead_letters"]));
    }

    [Fact]
    public async Task Backlog_IsHealthyWhileYoung_AndDegradedOnceTheOldestPassesTheConfiguredAge()
    {
        await store.TryAddManyAsync([Paid("o1"), Paid("o2")], Ct);
        time.Advance(TimeSpan.FromMinutes(9));

        var young = await CheckAsync();
        time.Advance(TimeSpan.FromMinutes(2));
        var old = await CheckAsync();

        Assert.Equal(HealthStatus.Healthy, young.Status);
        Assert.Equal(2L, young.Data["backlog"]);
        Assert.Equal(HealthStatus.Degraded, old.Status);
        Assert.Equal(660L, old.Data["oldest_age_seconds"]);
        Assert.Contains("oldest waiting order", old.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLetters_Degrade_EvenWithNoBacklog()
    {
        await store.TryAddManyAsync([Paid("o1")], Ct);
        await store.ClaimBatchAsync("a", 10, T0, T0.AddMinutes(1), Ct);
        await store.CompleteManyAsync("a", [new OutboxCompletion(new OutboxKey("o1", OrderEventKind.Paid), CompletionKind.Dead, ErrorCode: "not_linked")], T0, Ct);

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal((0L, 1L), ((long)result.Data["backlog"], (long)result.Data["dead_letters"]));
    }

    [Fact]
    public async Task HeldOrders_AndHoldsThatExpired_AreExpected_AndNeverDegrade()
    {
        await store.TryAddManyAsync([Paid("held"), Paid("expired")], Ct);
        await store.ClaimBatchAsync("a", 10, T0, T0.AddMinutes(1), Ct);
        await store.CompleteManyAsync(
            "a",
            [
                OutboxCompletion.Held(new OutboxKey("held", OrderEventKind.Paid), T0.AddDays(30), 0),
                OutboxCompletion.Held(new OutboxKey("expired", OrderEventKind.Paid), T0.AddMinutes(30), 0),
            ],
            T0,
            Ct);
        time.Advance(TimeSpan.FromHours(1));
        await store.ExpireHeldAsync(time.GetUtcNow(), Ct);

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal((0L, 0L, 1L, 1L), ((long)result.Data["backlog"], (long)result.Data["dead_letters"], (long)result.Data["held"], (long)result.Data["hold_expired"]));
    }

    [Fact]
    public async Task ReadyDetailsEndpoint_ReportsTheOutboxAsJson_ToAnAdmin()
    {
        using var factory = new PortalFactory();
        using var client = factory.CreateClientAs(PortalRoles.Admin);

        var response = await client.GetAsync(new Uri(HealthHosting.DetailsPath, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        var outbox = json.GetProperty("checks").GetProperty("earn-outbox");
        Assert.Equal("Healthy", outbox.GetProperty("status").GetString());
        Assert.Equal(0, outbox.GetProperty("data").GetProperty("dead_letters").GetInt64());
        Assert.True(outbox.GetProperty("data").TryGetProperty("oldest_age_seconds", out _));
    }
}
