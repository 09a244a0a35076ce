using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// No lost earn events: the real portal process with its in-process sandbox. Orders accepted while RRR is
/// down all earn exactly once after recovery, also when the portal is killed in the middle of posting them
/// and started again on the same data folder (the sandbox's ledger lives there too, so it restarts with it).
/// </summary>
public sealed class EarnNoLossTests : IAsyncLifetime
{
    private const int Orders = 100;
    private const string InternalKey = "e2e-internal-key";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);

    private readonly HttpClient http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private PortalProcess portal = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // Short backoffs and leases so a recovery and a crashed instance's claims show within the test.
        portal = await PortalProcess.StartAsync(
            [
                $"--Internal:ApiKeys:0={InternalKey}",
                "--Earn:FirstRetryDelay=00:00:00.200",
                "--Earn:MaxRetryDelay=00:00:02",
                "--Earn:PollInterval=00:00:01",
                "--Earn:Lease=00:00:05",
                "--Rrr:CircuitBreaker:BreakDuration=00:00:02",
            ],
            cancellationToken: Ct);

        await WarmUpAsync();
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await portal.DisposeAsync();
    }

    [Fact]
    public async Task OrdersAcceptedDuringAnOutage_EarnExactlyOnceAfterRecovery()
    {
        var prefix = "e2e_out_" + Guid.NewGuid().ToString("N")[..8] + "_";
        await SetFaultsAsync(new { outage = true });

        var accepted = await PostPaidOrdersAsync(prefix);

        Assert.Equal(Orders, accepted);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        Assert.Equal(0, (await EarnEventsAsync(prefix)).Total);

        await SetFaultsAsync(new { outage = false });
        var earned = await WaitForEarnEventsAsync(prefix, Orders);

        Assert.Equal((Orders, Orders, (long)Orders), (earned.Total, earned.DistinctOrders, earned.EarnEntries));
    }

    [Fact]
    public async Task APortalKilledMidDispatch_AndRestarted_StillEarnsEachOrderExactlyOnce()
    {
        var prefix = "e2e_kill_" + Guid.NewGuid().ToString("N")[..8] + "_";
        await SetFaultsAsync(new { outage = true });
        Assert.Equal(Orders, await PostPaidOrdersAsync(prefix));

        // Slow RRR down so the dispatcher is surely mid-way when the process dies.
        await SetFaultsAsync(new { outage = false, latency_ms = 150 });
        var before = await WaitForEarnEventsAsync(prefix, 10);
        await portal.KillAndRestartAsync(Ct);
        await WarmUpAsync();
        var atKill = (await EarnEventsAsync(prefix)).Total;

        Assert.InRange(before.Total, 10, Orders - 1);
        Assert.InRange(atKill, 10, Orders - 1);
        var earned = await WaitForEarnEventsAsync(prefix, Orders);
        Assert.Equal((Orders, Orders, (long)Orders), (earned.Total, earned.DistinctOrders, earned.EarnEntries));

        // Nothing more trickles in afterwards (no late duplicates from leases that ran out).
        await Task.Delay(TimeSpan.FromSeconds(6), Ct);
        var settled = await EarnEventsAsync(prefix);
        Assert.Equal((Orders, (long)Orders), (settled.Total, settled.EarnEntries));
    }

    /// <summary>
    /// The sandbox's first request after a (re)start pays for JIT, tens of seconds while other portals of the run
    /// start too: paid here, outside the 30 s bound of the test's own calls (a restarted process pays it again).
    /// </summary>
    private async Task WarmUpAsync()
    {
        using var warm = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMinutes(2) };
        using var faults = await warm.GetAsync(new Uri(portal.SandboxUrl + "/sandbox/faults"), Ct);
        using var earned = await warm.GetAsync(new Uri(portal.SandboxUrl + "/sandbox/earn-events?order_prefix=warm_up_"), Ct);
    }

    private async Task<int> PostPaidOrdersAsync(string prefix)
    {
        var watch = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, Orders).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(portal.BaseUrl + "/internal/orders/paid"))
            {
                Content = JsonContent.Create(new
                {
                    order_number = $"{prefix}{i:D3}",
                    xcn_user_id = "xcn_u_1001",
                    product = i % 2 == 0 ? "TOKENS" : "MEMBERSHIP",
                    membership_plan = i % 2 == 0 ? null : "monthly",
                    amount = "10.00",
                    currency = "USD",
                    paid_at = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                }),
            };
            request.Headers.Add("X-Internal-Key", InternalKey);
            using var response = await http.SendAsync(request, Ct);
            return response.StatusCode;
        }));

        // Acceptance never waits for RRR: 100 orders while it is down take seconds at most, not retries' worth.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"accepting {Orders} orders took {watch.Elapsed}");
        return responses.Count(s => s == HttpStatusCode.Accepted);
    }

    private async Task SetFaultsAsync(object faults)
    {
        using var response = await http.PutAsJsonAsync(new Uri(portal.SandboxUrl + "/sandbox/faults"), faults, Ct);
        response.EnsureSuccessStatusCode();
    }

    private async Task<EarnCount> EarnEventsAsync(string prefix)
    {
        var body = await http.GetFromJsonAsync<JsonElement>(new Uri($"{portal.SandboxUrl}/sandbox/earn-events?order_prefix={prefix}"), Ct);
        return new EarnCount(body.GetProperty("total").GetInt32(), body.GetProperty("distinct_orders").GetInt32(), body.GetProperty("earn_entries").GetInt64());
    }

    private async Task<EarnCount> WaitForEarnEventsAsync(string prefix, int atLeast)
    {
        var watch = Stopwatch.StartNew();
        var last = new EarnCount(0, 0, 0);
        while (watch.Elapsed < Patience)
        {
            last = await EarnEventsAsync(prefix);
            if (last.Total >= atLeast)
            {
                return last;
            }

            await Task.Delay(100, Ct);
        }

        throw new TimeoutException($"{last.Total} of {atLeast} earn events after {Patience.TotalSeconds} s.\n--- portal output ---\n{portal.LogTail}");
    }

    private sealed record EarnCount(int Total, int DistinctOrders, long EarnEntries);
}
