using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Rrr.Sandbox.Faults;

/// <summary>
/// Applies the injected faults to <c>/v1</c> calls only. Placed before the API's own middleware
/// (credential, idempotency), so an <c>after_commit</c> failure happens after the idempotency record
/// was stored: exactly the response a client loses on a flaky network.
/// </summary>
internal sealed class FaultMiddleware(RequestDelegate next, FaultState state)
{
    private const string TraceHeader = "X-Request-Trace";

    public async Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            await next(http);
            return;
        }

        var faults = state.Current;
        if (faults.LatencyMs > 0)
        {
            await Task.Delay(faults.LatencyMs, http.RequestAborted);
        }

        if (faults.Outage)
        {
            await FailAsync(http, StatusCodes.Status503ServiceUnavailable, retryAfterSeconds: 5,
                "The RRR sandbox is in a simulated outage.");
            return;
        }

        if (state.TryTakeFailNext() is { } failNext)
        {
            if (failNext.AfterCommit)
            {
                await RunAndDiscardAsync(http);
            }

            await FailAsync(http, failNext.Status, retryAfterSeconds: 1, failNext.AfterCommit
                ? "Simulated failure after the request was processed; its response was lost."
                : "Simulated failure before the request was processed.");
            return;
        }

        // Compared in millionths rather than as floating point: the rate is a decimal on the wire.
        if (faults.ErrorRate > 0 && Random.Shared.Next(1_000_000) < faults.ErrorRate * 1_000_000)
        {
            var status = Random.Shared.Next(2) == 0 ? StatusCodes.Status500InternalServerError : StatusCodes.Status503ServiceUnavailable;
            await FailAsync(http, status, retryAfterSeconds: 1, "Simulated random failure before the request was processed.");
            return;
        }

        await next(http);
    }

    private async Task RunAndDiscardAsync(HttpContext http)
    {
        var original = http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var buffer = new BufferingBodyFeature();
        http.Features.Set<IHttpResponseBodyFeature>(buffer);
        try
        {
            await next(http);
            await buffer.CompleteAsync();
        }
        finally
        {
            http.Features.Set(original);
            await buffer.DisposeAsync();
        }

        // Status, headers and body of the real response go; nothing reached the socket yet.
        http.Response.Clear();
    }

    private static async Task FailAsync(HttpContext http, int status, int retryAfterSeconds, string detail)
    {
        var (code, title) = status switch
        {
            StatusCodes.Status503ServiceUnavailable => ("service_unavailable", "Service unavailable"),
            StatusCodes.Status500InternalServerError => ("internal_error", "Internal server error"),
            StatusCodes.Status502BadGateway => ("bad_gateway", "Bad gateway"),
            StatusCodes.Status504GatewayTimeout => ("gateway_timeout", "Gateway timeout"),
            StatusCodes.Status429TooManyRequests => ("rate_limited", "Too many requests"),
            _ => ("injected_fault", "Injected fault"),
        };
        var trace = http.Request.Headers[TraceHeader].ToString();
        if (!string.IsNullOrEmpty(trace))
        {
            http.Response.Headers[TraceHeader] = trace;
        }

        if (status is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status429TooManyRequests)
        {
            http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await SandboxProblems.WriteAsync(http, status, code, title, detail);
    }

    /// <summary>Collects the endpoint's response in memory; starting the response is a no-op until it is discarded.</summary>
    private sealed class BufferingBodyFeature : IHttpResponseBodyFeature, IAsyncDisposable
    {
        private readonly MemoryStream _buffer = new();
        private PipeWriter? _writer;

        public Stream Stream => _buffer;

        public PipeWriter Writer => _writer ??= PipeWriter.Create(_buffer, new StreamPipeWriterOptions(leaveOpen: true));

        public void DisableBuffering()
        {
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            SendFileFallback.SendFileAsync(_buffer, path, offset, count, cancellationToken);

        public async Task CompleteAsync()
        {
            if (_writer is not null)
            {
                await _writer.FlushAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_writer is not null)
            {
                await _writer.CompleteAsync();
            }

            await _buffer.DisposeAsync();
        }
    }
}
