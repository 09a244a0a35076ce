using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rrr.Core.Features.Earn;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Earn;
using Rrr.Core.Rrr.Http;
using Rrr.Persistence.Sqlite;
using Rrr.Sandbox;

namespace Rrr.Bench.EarnOutbox;

/// <summary>
/// Outbox dispatch into the real sandbox over loopback: the real RRR client (handlers, resilience, call log
/// in the SQLite store, as in the portal) and the real dispatcher over the real SQLite outbox. Baseline: the
/// same client posting the same kind of orders directly, with the same concurrency, no outbox.
/// </summary>
internal static class DispatchBench
{
    public static async Task<bool> RunAsync(int orders, int concurrency, int batchSize, bool callLog, bool smoke = false)
    {
        var folder = Path.Combine(Path.GetTempPath(), "rrr-bench-earn", Guid.NewGuid().ToString("N"));
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var sandbox = SandboxApp.Build(new SandboxSettings { Url = url, DataFolder = Path.Combine(folder, "sandbox") });
        await sandbox.StartAsync();
        var sqlite = SqlitePorts.Open(Path.Combine(folder, "portal"), "portal.db");
        await sqlite.InitializeAsync(CancellationToken.None);
        var store = sqlite.Outbox;
        var services = new ServiceCollection();
        services.AddLogging();
        // The portal records every RRR call in its store; --no-call-log shows what that costs.
        services.AddSingleton<IRrrCallLog>(callLog ? sqlite.Calls : new NullCallLog());
        services.AddRrrClient(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rrr:BaseUrl"] = url.ToString(),
            ["Rrr:ClientId"] = "xcn-portal-bench",
            ["Rrr:ApiKey"] = SandboxSettings.DevApiKey,
        }).Build());
        await using var provider = services.BuildServiceProvider();
        using var extras = new HttpClient { BaseAddress = url };
        var api = new TimedEarnApi(provider.GetRequiredService<IRrrEarnApi>());
        var run = Guid.NewGuid().ToString("N")[..6];
        try
        {
            // Warm-up: connections, JIT, SQLite caches.
            await DirectAsync(api, $"bw{run}_", smoke ? 10 : 100, concurrency);
            api.Reset();

            var direct = Stopwatch.StartNew();
            await DirectAsync(api, $"bd{run}_", orders, concurrency);
            direct.Stop();
            var directCalls = api.Reset();

            var prefix = $"bo{run}_";
            var now = DateTimeOffset.UtcNow;
            for (var start = 0; start < orders; start += 500)
            {
                await store.TryAddManyAsync(
                    [.. Enumerable.Range(start, Math.Min(500, orders - start)).Select(i => new EarnOrder(
                        string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:D6}"), OrderEventKind.Paid, "xcn_u_1001",
                        i % 2 == 0 ? EarnProduct.Tokens : EarnProduct.Membership, new Money(10.00m, "USD"), now, now))],
                    CancellationToken.None);
            }

            var settings = new EarnOptions { BatchSize = batchSize, MaxConcurrency = concurrency };
            var dispatcher = new EarnDispatcher(store, api, new EarnSignal(), TimeProvider.System, Options.Create(settings), NullLogger<EarnDispatcher>.Instance, BenchFeatures.AutomaticEarnOn,
                BenchFeatures.Held(store, settings));
            // The hosted loop (RunAsync), as in the portal: it overlaps batches, which RunOnceAsync alone does not.
            var dispatch = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var loop = dispatcher.RunAsync(stop.Token);
            while ((await store.CountByStatusAsync(CancellationToken.None))[OutboxStatus.Posted] < orders && !loop.IsCompleted)
            {
                await Task.Delay(5);
            }

            dispatch.Stop();
            await stop.CancelAsync();
            await loop;
            var outboxCalls = api.Reset();
            var counts = await store.CountByStatusAsync(CancellationToken.None);
            var earned = await extras.GetFromJsonAsync<JsonElement>(new Uri($"/sandbox/earn-events?order_prefix={prefix}", UriKind.Relative));
            var total = earned.GetProperty("total").GetInt32();
            var distinct = earned.GetProperty("distinct_orders").GetInt32();
            var entries = earned.GetProperty("earn_entries").GetInt64();

            var directRate = orders / direct.Elapsed.TotalSeconds;
            var outboxRate = orders / dispatch.Elapsed.TotalSeconds;
            Console.WriteLine();
            Console.WriteLine("== outbox dispatch into the sandbox (loopback)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{orders} orders, {concurrency} concurrent RRR calls, batch {batchSize}, call log {(callLog ? "on" : "off")}, load average {Machine.LoadAverage()}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"baseline  direct client calls : {directRate,8:F0} events/s  call {directCalls.Summary()}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"target    outbox dispatcher   : {outboxRate,8:F0} events/s  call {outboxCalls.Summary()}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio outbox/direct {outboxRate / directRate:P0}; target >= 500 events/s: {(outboxRate >= 500 ? "met" : "MISSED")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"verify: outbox POSTED {counts[OutboxStatus.Posted]}/{orders}, dead {counts[OutboxStatus.Dead]}; RRR earn events {total}, distinct orders {distinct}, EARN entries {entries}; RRR calls {outboxCalls.Count}"));
            var exact = counts[OutboxStatus.Posted] == orders && total == orders && distinct == orders && entries == orders;
            Console.WriteLine(exact ? "none lost, none doubled" : "MISMATCH: lost or doubled events");
            var stubOk = await StubRunAsync(sqlite, orders, concurrency, batchSize, callLog);
            return exact && stubOk && (smoke || outboxRate >= 500);
        }
        finally
        {
            await sandbox.StopAsync();
            await sandbox.DisposeAsync();
            sqlite.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Temp; the OS cleans it.
            }
        }
    }

    /// <summary>The same dispatcher and outbox against <see cref="StubRrr"/>: the ceiling without the sandbox's ledger.</summary>
    private static async Task<bool> StubRunAsync(SqlitePorts sqlite, int orders, int concurrency, int batchSize, bool callLog)
    {
        var store = sqlite.Outbox;
        await using var stub = await StubRrr.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IRrrCallLog>(callLog ? sqlite.Calls : new NullCallLog());
        services.AddRrrClient(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rrr:BaseUrl"] = stub.Url.ToString(),
            ["Rrr:ClientId"] = "xcn-portal-bench",
            ["Rrr:ApiKey"] = "bench",
        }).Build());
        await using var provider = services.BuildServiceProvider();
        var api = new TimedEarnApi(provider.GetRequiredService<IRrrEarnApi>());
        var prefix = "bs" + Guid.NewGuid().ToString("N")[..6] + "_";
        var now = DateTimeOffset.UtcNow;
        for (var start = 0; start < orders; start += 500)
        {
            await store.TryAddManyAsync(
                [.. Enumerable.Range(start, Math.Min(500, orders - start)).Select(i => new EarnOrder(
                    string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:D6}"), OrderEventKind.Paid, "xcn_u_1001",
                    EarnProduct.Tokens, new Money(10.00m, "USD"), now, now))],
                CancellationToken.None);
        }

        var before = await store.CountByStatusAsync(CancellationToken.None);
        var benchSettings = new EarnOptions { BatchSize = batchSize, MaxConcurrency = concurrency };
        var dispatcher = new EarnDispatcher(store, api, new EarnSignal(), TimeProvider.System,
            Options.Create(benchSettings), NullLogger<EarnDispatcher>.Instance, BenchFeatures.AutomaticEarnOn, BenchFeatures.Held(store, benchSettings));
        var watch = Stopwatch.StartNew();
        while (await dispatcher.RunOnceAsync(CancellationToken.None) > 0)
        {
        }

        watch.Stop();
        var calls = api.Reset();
        var after = await store.CountByStatusAsync(CancellationToken.None);
        var rate = orders / watch.Elapsed.TotalSeconds;
        var exact = stub.PerOrder.Count == orders && stub.PerOrder.Values.All(n => n == 1)
            && after[OutboxStatus.Posted] - before[OutboxStatus.Posted] == orders;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"diagnostic outbox -> stub RRR  : {rate,8:F0} events/s  call {calls.Summary()}  (stub saw {stub.PerOrder.Count} orders, max {stub.PerOrder.Values.DefaultIfEmpty(0).Max()} calls per order: {(exact ? "none lost, none doubled" : "MISMATCH")})"));
        return exact;
    }

    private static async Task DirectAsync(IRrrEarnApi api, string prefix, int orders, int concurrency) =>
        await Parallel.ForEachAsync(Enumerable.Range(0, orders), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var order = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:D6}");
            await api.PostEarnEventAsync(
                new EarnEventRequest("xcn_u_1001", order, EarnProduct.Tokens, new Money(10.00m, "USD"), PostingMode.Immediate, 10),
                IdempotencyKeys.EarnTokens(order),
                ct);
        });

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class NullCallLog : IRrrCallLog
    {
        public Task RecordAsync(RrrCallRecord record, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<RrrCallPage> QueryAsync(RrrCallQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>Times every earn call (the dispatcher's and the baseline's alike).</summary>
    private sealed class TimedEarnApi(IRrrEarnApi inner) : IRrrEarnApi
    {
        private Latencies calls = new();

        public Latencies Reset()
        {
            var done = calls;
            calls = new Latencies();
            return done;
        }

        public async Task<EarnEvent> PostEarnEventAsync(EarnEventRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
        {
            var before = Stopwatch.GetTimestamp();
            try
            {
                return await inner.PostEarnEventAsync(request, idempotencyKey, cancellationToken);
            }
            finally
            {
                calls.Add(Stopwatch.GetTimestamp() - before);
            }
        }

        public Task<EarnReversal> ReverseAsync(string earnEventId, ReverseEarnRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
            inner.ReverseAsync(earnEventId, request, idempotencyKey, cancellationToken);
    }
}
