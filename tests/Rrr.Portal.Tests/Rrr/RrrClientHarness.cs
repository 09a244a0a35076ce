using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Http;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Rrr;

/// <summary>
/// A real ServiceProvider built with <c>AddRrrClient</c>, whose primary handler is <see cref="FakeRrr"/>:
/// everything between the Refit interface and the socket is the production chain.
/// </summary>
public sealed class RrrClientHarness : IDisposable
{
    public const string BaseUrl = "http://rrr.test/";
    public const string ApiKey = "test-api-key";
    public const string ClientId = "xcn-portal-tests";
    public const string RawClient = "rrr-raw";

    private readonly ServiceProvider provider;

    public RrrClientHarness(
        Dictionary<string, string?>? settings = null,
        IRrrCallLog? callLog = null,
        TimeProvider? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Rrr:BaseUrl"] = BaseUrl,
            ["Rrr:ClientId"] = ClientId,
            ["Rrr:ApiKey"] = ApiKey,
            ["Rrr:RetryBaseDelay"] = "00:00:00.001",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var services = new ServiceCollection();
        services.AddLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddSingleton(callLog ?? CallLog);
        services.AddRrrClient(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddHttpClient(RawClient).AddRrrPipeline();
        services.AddSingleton<IHttpMessageHandlerBuilderFilter>(new FakePrimaryFilter(Server));
        provider = services.BuildServiceProvider();
    }

    public FakeRrr Server { get; } = new();

    public MemoryCallLog CallLog { get; } = new();

    public RecordingLoggerProvider Logs { get; } = new();

    public T Api<T>()
        where T : notnull => provider.GetRequiredService<T>();

    public T Get<T>()
        where T : notnull => provider.GetRequiredService<T>();

    public HttpClient Raw() => provider.GetRequiredService<IHttpClientFactory>().CreateClient(RawClient);

    public void Dispose() => provider.Dispose();

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

    public static HttpResponseMessage Problem(HttpStatusCode status, string code, string extra = "") =>
        Json(
            status,
            $$"""{"type":"https://sandbox.rrr.local/problems/{{code}}","title":"t","status":{{(int)status}},"detail":"d","code":"{{code}}","trace_id":"rrr-trace"{{extra}}}""",
            RrrProblem.MediaType);
}

/// <summary>
/// Swaps the primary handler of every client after all other configuration ran (Refit's registration sets
/// its own primary handler, which a ConfigureHttpClientDefaults override would not win against).
/// </summary>
internal sealed class FakePrimaryFilter(FakeRrr server) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        builder.PrimaryHandler = server;
    };
}

/// <summary>What one attempt put on the wire, copied when it was sent (retries reuse the message).</summary>
public sealed record SentRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body);

/// <summary>The primary handler: answers from a queue of responders and records every attempt.</summary>
public sealed class FakeRrr : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, HttpResponseMessage>> responders = new();

    public ConcurrentQueue<SentRequest> Sent { get; } = new();

    /// <summary>Used when the queue is empty.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage> Fallback { get; set; } =
        _ => RrrClientHarness.Json(HttpStatusCode.OK, "{}");

    /// <summary>Never answer: the attempt waits until it is cancelled.</summary>
    public bool Hang { get; set; }

    public FakeRrr Then(Func<HttpRequestMessage, HttpResponseMessage> responder)
    {
        responders.Enqueue(responder);
        return this;
    }

    public FakeRrr Then(HttpStatusCode status, string json = "{}") => Then(_ => RrrClientHarness.Json(status, json));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Sent.Enqueue(new SentRequest(request.Method, request.RequestUri!, headers, body));
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var responder = responders.TryDequeue(out var next) ? next : Fallback;
        var response = responder(request);
        response.RequestMessage = request;
        return response;
    }
}

public sealed class MemoryCallLog : IRrrCallLog
{
    public ConcurrentQueue<RrrCallRecord> Records { get; } = new();

    public Task RecordAsync(RrrCallRecord record, CancellationToken cancellationToken)
    {
        Records.Enqueue(record);
        return Task.CompletedTask;
    }

    public Task<RrrCallPage> QueryAsync(RrrCallQuery query, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}

public sealed class FailingCallLog : IRrrCallLog
{
    public Task RecordAsync(RrrCallRecord record, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("store down");

    public Task<RrrCallPage> QueryAsync(RrrCallQuery query, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("store down");
}
