using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Rrr.Core.Features.Earn;
using Rrr.Portal.Hosting;

namespace Rrr.Bench.EarnOutbox;

/// <summary>
/// <c>POST /internal/orders/paid</c> of the real portal (Development pipeline, sandbox off, real SQLite store,
/// dispatcher running) while RRR is down (its URL is a closed port), against a bare Kestrel endpoint that
/// reads the same body and answers 202. Every request is a new order.
/// </summary>
internal static class IntakeBench
{
    private const string Key = "bench-internal-key";
    private static long sequence;

    public static async Task<bool> RunAsync(int concurrency, TimeSpan warmup, TimeSpan duration, bool smoke = false)
    {
        var folder = Path.Combine(Path.GetTempPath(), "rrr-bench-intake", Guid.NewGuid().ToString("N"));
        try
        {
            await using var bare = await StartBareAsync();
            await using var portal = await StartPortalAsync(folder);
            var bareResult = await LoadAsync(new Uri(Address(bare), "/internal/orders/paid"), concurrency, warmup, duration);
            var portalResult = await LoadAsync(new Uri(Address(portal), "/internal/orders/paid"), concurrency, warmup, duration);

            // Give the group-commit loop a moment to answer the last requests, then count what is stored.
            var counts = await portal.Services.GetRequiredService<IEarnOutbox>().CountByStatusAsync(CancellationToken.None);
            var stored = counts.Values.Sum();

            Console.WriteLine();
            Console.WriteLine("== order endpoint while RRR is down");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{concurrency} senders, warm-up {warmup.TotalSeconds} s, measure {duration.TotalSeconds} s each, load average {Machine.LoadAverage()}"));
            Print("baseline  bare Kestrel 202    ", bareResult);
            Print("target    /internal/orders/paid", portalResult);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio portal/bare {portalResult.Rate / bareResult.Rate:P1}; target >= 1,000 orders/s with 0 errors: {(portalResult.Rate >= 1000 && portalResult.Errors == 0 ? "met" : "MISSED")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"verify: 202s sent (incl. warm-up) {portalResult.AcceptedTotal}, rows in the outbox {stored} (posted {counts[OutboxStatus.Posted]}, dead {counts[OutboxStatus.Dead]})"));
            var exact = stored == portalResult.AcceptedTotal && counts[OutboxStatus.Posted] == 0;
            Console.WriteLine(exact ? "every accepted order is in the outbox, none posted (RRR down)" : "MISMATCH between 202s and outbox rows");
            return exact && portalResult.AcceptedTotal > 0 && portalResult.Errors == 0 && (smoke || portalResult.Rate >= 1000);
        }
        finally
        {
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

    private static void Print(string name, LoadResult result) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {result.Rate,8:F0} req/s  {result.Latencies.Summary()}  errors {result.Errors}"));

    private sealed record LoadResult(double Rate, Latencies Latencies, long Errors, long AcceptedTotal);

    private static async Task<LoadResult> LoadAsync(Uri endpoint, int concurrency, TimeSpan warmup, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();
        var stopAt = warmup + duration;
        var latencies = new Latencies();
        long measured = 0, errors = 0, acceptedTotal = 0;
        var paidAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var mine = new List<long>(8192);
            while (true)
            {
                var started = clock.Elapsed;
                if (started >= stopAt)
                {
                    break;
                }

                var n = Interlocked.Increment(ref sequence);
                var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"order_number\":\"bench_{n:D9}\",\"xcn_user_id\":\"xcn_u_{n % 5000:D4}\",\"product\":\"{(n % 2 == 0 ? "TOKENS\"" : "MEMBERSHIP\",\"membership_plan\":\"monthly\"")},\"amount\":\"19.99\",\"currency\":\"USD\",\"paid_at\":\"{paidAt}\"}}"));
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
                {
                    Version = HttpVersion.Version11,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                    Content = new ByteArrayContent(body),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("X-Internal-Key", Key);
                var before = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    using var response = await client.SendAsync(request);
                    ok = response.StatusCode == HttpStatusCode.Accepted;
                }
                catch (HttpRequestException)
                {
                    ok = false;
                }
                catch (TaskCanceledException)
                {
                    ok = false;
                }

                var elapsed = Stopwatch.GetTimestamp() - before;
                if (ok)
                {
                    Interlocked.Increment(ref acceptedTotal);
                }

                if (started < warmup || clock.Elapsed > stopAt)
                {
                    continue;
                }

                mine.Add(elapsed);
                Interlocked.Increment(ref measured);
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                }
            }

            latencies.AddRange(mine);
        })));
        return new LoadResult(measured / duration.TotalSeconds, latencies, errors, acceptedTotal);
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private static async Task<WebApplication> StartBareAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/internal/orders/paid", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
        await app.StartAsync();
        return app;
    }

    private static async Task<WebApplication> StartPortalAsync(string dataFolder)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Development",
            ApplicationName = typeof(PortalHostingExtensions).Assembly.GetName().Name,

            // The portal's appsettings*.json are copied next to this program; without this the content root
            // is the current folder (the repository root under dotnet run), the Checkout section is missing
            // and the portal's start-up validation refuses to start.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sandbox:Enabled"] = "false",
            ["Store:Provider"] = "Sqlite",
            ["Store:DataFolder"] = dataFolder,
            ["Internal:ApiKeys:0"] = Key,

            // Intake is what is measured; the flag gates it (Development turns it on, but say so here).
            ["FeatureManagement:AutomaticEarn"] = "true",

            // Sign-in is never reached; the provider only has to be well-formed.
            ["Oidc:Authority"] = "http://127.0.0.1:9/",
            ["Oidc:ClientId"] = "bench",
            ["Oidc:ClientSecret"] = "bench",
            ["Oidc:RequireHttpsMetadata"] = "false",

            // RRR is down: nothing listens on port 9, so every dispatch attempt fails (connection refused).
            ["Rrr:BaseUrl"] = "http://127.0.0.1:9/",
            ["Rrr:ClientId"] = "bench",
            ["Rrr:ApiKey"] = "bench",
        });
        builder.AddPortal();
        var app = builder.Build();
        app.UsePortal();
        await app.StartAsync();
        return app;
    }
}
