using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Rrr.Bench.WebhookIngest;
using Rrr.Core.Features.Webhooks;
using Rrr.Portal.Features.Webhooks;
using Rrr.Portal.Hosting;

// Loopback HTTP benchmark of POST /webhooks/rrr: a bare Kestrel endpoint (baseline) and the real
// portal pipeline with the real SQLite store, driven in the same run by the same signing load driver.
var options = BenchOptions.Parse(args);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"webhook ingest bench: {options.Concurrency} senders, warm-up {options.Warmup.TotalSeconds} s, measure {options.Duration.TotalSeconds} s per target in {options.Rounds} alternating rounds, batching {(options.Batching ? "on" : "off")}, processor {(options.Processor ? "on" : "off")}, {Environment.ProcessorCount} cores"));

var secret = WebhookSecret.Parse(BenchOptions.Secret);
var dataFolder = Path.Combine(Path.GetTempPath(), "rrr-bench", Guid.NewGuid().ToString("N"));
try
{
    await using var bare = await StartBareAsync();
    await using var portal = await StartPortalAsync(dataFolder, options);
    using var bareLoad = new LoadDriver(new Uri(Address(bare), "/webhooks/rrr"), secret, options.Concurrency);
    using var drainLoad = new LoadDriver(new Uri(Address(bare), "/drain/webhooks/rrr"), secret, options.Concurrency);
    using var ingestLoad = new LoadDriver(new Uri(Address(portal), "/webhooks/rrr"), secret, options.Concurrency);

    // Both targets in alternating segments: on a shared machine the background load drifts, and
    // interleaving spreads that drift over both instead of favouring whichever ran first.
    if (!options.IngestOnly)
    {
        await bareLoad.RunAsync("warm-up", options.Warmup, TimeSpan.Zero);
        await drainLoad.RunAsync("warm-up", options.Warmup, TimeSpan.Zero);
    }

    var ingestWarmup = await ingestLoad.RunAsync("warm-up", options.Warmup, TimeSpan.Zero);
    var segment = options.Duration / options.Rounds;
    var bareParts = new List<LoadResult>();
    var drainParts = new List<LoadResult>();
    var ingestParts = new List<LoadResult>();
    for (var round = 0; round < options.Rounds; round++)
    {
        if (!options.IngestOnly)
        {
            bareParts.Add(await bareLoad.RunAsync("bare Kestrel 200", TimeSpan.Zero, segment));
            drainParts.Add(await drainLoad.RunAsync("bare, body read", TimeSpan.Zero, segment));
        }

        ingestParts.Add(await ingestLoad.RunAsync("portal /webhooks/rrr", TimeSpan.Zero, segment));
    }

    var ingest = LoadResult.Combine(ingestParts);
    var inbox = portal.Services.GetRequiredService<IWebhookInbox>();
    var stored = await inbox.CountAsync(null, CancellationToken.None);
    var pending = await inbox.CountAsync(InboxStatus.Pending, CancellationToken.None);
    if (portal.Services.GetRequiredService<RrrWebhookReceiver>().Batches is { BatchesWritten: > 0 } writer)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"group commit: {writer.ItemsWritten} events in {writer.BatchesWritten} commits (avg {(double)writer.ItemsWritten / writer.BatchesWritten:F1} per commit)"));
    }

    Report.Print(options.IngestOnly ? [ingest] : [LoadResult.Combine(bareParts), LoadResult.Combine(drainParts), ingest], stored, pending, ingest.Accepted);
    if (options.Smoke)
    {
        // Smoke (CI): no speed target, only the exact counts, once the processor has caught up.
        var acceptedTotal = ingestWarmup.AcceptedTotal + ingestParts.Sum(p => p.AcceptedTotal);
        Environment.ExitCode = await Report.SmokeAsync(inbox, acceptedTotal, ingest.Errors + ingestWarmup.Errors) ? 0 : 1;
    }
}
finally
{
    SqliteConnection.ClearAllPools();
    if (Directory.Exists(dataFolder))
    {
        Directory.Delete(dataFolder, recursive: true);
    }
}

static Uri Address(WebApplication app) =>
    new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

static async Task<WebApplication> StartBareAsync()
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    var app = builder.Build();
    app.MapPost("/webhooks/rrr", () => Results.Ok());

    // A second reference: the same, but the body is received before answering, as any receiver must.
    app.MapPost("/drain/webhooks/rrr", async (HttpRequest request) =>
    {
        await request.Body.CopyToAsync(Stream.Null);
        return Results.Ok();
    });
    await app.StartAsync();
    return app;
}

static async Task<WebApplication> StartPortalAsync(string dataFolder, BenchOptions options)
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        EnvironmentName = "Development",
        ApplicationName = typeof(PortalHostingExtensions).Assembly.GetName().Name,

        // The portal's appsettings*.json are copied next to this program; without this the content root is
        // the current folder (the repository root under dotnet run), the Checkout section is missing and
        // the portal's start-up validation refuses to start.
        ContentRootPath = AppContext.BaseDirectory,
    });
    builder.Logging.ClearProviders();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Sandbox:Enabled"] = "false",
        ["Store:Provider"] = "Sqlite",
        ["Store:DataFolder"] = dataFolder,
        ["Webhooks:Secrets:0"] = BenchOptions.Secret,
        ["Webhooks:BatchInserts"] = options.Batching ? "true" : "false",

        // Sign-in is never reached (the webhook is anonymous); the provider only has to be well-formed.
        ["Oidc:Authority"] = "http://127.0.0.1:9/",
        ["Oidc:ClientId"] = "bench",
        ["Oidc:ClientSecret"] = "bench",
        ["Oidc:RequireHttpsMetadata"] = "false",

        // Never called during the run; the client's options are validated at start-up all the same.
        ["Rrr:BaseUrl"] = "http://127.0.0.1:9/",
        ["Rrr:ClientId"] = "bench",
        ["Rrr:ApiKey"] = "bench",
    });
    builder.AddPortal();
    if (!options.Processor)
    {
        // Diagnostic only (--no-processor): what the endpoint costs without the processor working alongside.
        foreach (var hosted in builder.Services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is not null).ToList())
        {
            builder.Services.Remove(hosted);
        }
    }

    var app = builder.Build();
    app.UsePortal();
    await app.StartAsync();
    return app;
}
