using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Rrr.Portal.Tests.Sandbox.Hooks;

internal sealed record ReceivedWebhook(string? Id, string? Timestamp, string? Signature, string? ContentType, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>A real loopback HTTP endpoint (Kestrel) that records webhook deliveries and answers queued statuses.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private readonly ConcurrentQueue<int> _statuses = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        var receiver = new WebhookReceiver(builder.Build());
        receiver._app.MapPost("/webhooks/rrr", (Func<HttpContext, Task>)receiver.HandleAsync);
        await receiver._app.StartAsync();
        receiver.Url = new Uri(new Uri(receiver._app.Urls.First()), "/webhooks/rrr");
        return receiver;
    }

    /// <summary>The next requests get these statuses, in order; afterwards 204.</summary>
    public void Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _statuses.Enqueue(status);
        }
    }

    public async Task<ReceivedWebhook> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        return await _received.Reader.ReadAsync(cts.Token);
    }

    public bool TryNext(out ReceivedWebhook? received) => _received.Reader.TryRead(out received);

    private async Task HandleAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        await _received.Writer.WriteAsync(new ReceivedWebhook(
            http.Request.Headers["webhook-id"].ToString(),
            http.Request.Headers["webhook-timestamp"].ToString(),
            http.Request.Headers["webhook-signature"].ToString(),
            http.Request.ContentType,
            body.ToArray()));
        http.Response.StatusCode = _statuses.TryDequeue(out var status) ? status : StatusCodes.Status204NoContent;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
