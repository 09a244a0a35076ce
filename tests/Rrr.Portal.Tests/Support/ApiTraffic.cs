using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Rrr.Portal.Tests.Support;

/// <summary>One request/response of the described HTTP API as a test sent it and the portal answered it.</summary>
public sealed record ApiExchange(
    string Method,
    string Path,
    IReadOnlyCollection<string> RequestHeaders,
    string? RequestContentType,
    byte[] RequestBody,
    int Status,
    string? ResponseContentType,
    byte[] ResponseBody,
    string Source);

/// <summary>
/// Every exchange with the described API (<c>/internal/</c>, <c>/webhooks/</c>, <c>/health/</c>, the member's history export) made by any
/// test through <see cref="PortalFactory"/>, process-wide, so <c>OpenApiContractTests</c> can check all of them
/// against the generated OpenAPI document.
/// </summary>
public static class ApiTraffic
{
    private const int MaxBodyBytes = 64 * 1024;

    private static readonly ConcurrentQueue<ApiExchange> Recorded = new();

    public static IReadOnlyList<ApiExchange> Snapshot() => [.. Recorded];

    public static bool IsDescribedApi(PathString path) =>
        path.StartsWithSegments("/internal", StringComparison.Ordinal)
        || path.StartsWithSegments("/webhooks", StringComparison.Ordinal)
        || path.StartsWithSegments("/health", StringComparison.Ordinal)
        || path.Equals("/member/history.csv", StringComparison.Ordinal);

    /// <summary>First in the pipeline (before routing, so short-circuit endpoints are seen too).</summary>
    internal sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(RecordAsync);
            next(app);
        };
    }

    private static async Task RecordAsync(HttpContext http, RequestDelegate next)
    {
        if (!IsDescribedApi(http.Request.Path))
        {
            await next(http);
            return;
        }

        var requestCopy = new TeeReadStream(http.Request.Body, MaxBodyBytes);
        http.Request.Body = requestCopy;
        var original = http.Response.Body;
        await using var responseCopy = new MemoryStream();
        http.Response.Body = responseCopy;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
            responseCopy.Position = 0;
            await responseCopy.CopyToAsync(original);
            Recorded.Enqueue(new ApiExchange(
                http.Request.Method,
                http.Request.Path.Value ?? "",
                [.. http.Request.Headers.Keys.Select(k => k.ToLowerInvariant())],
                http.Request.ContentType,
                requestCopy.Copied,
                http.Response.StatusCode,
                http.Response.ContentType,
                responseCopy.ToArray().Take(MaxBodyBytes).ToArray(),
                TestContext.Current.Test?.TestDisplayName ?? "(unknown test)"));
        }
    }

    /// <summary>Reads through to the real body, keeping a copy of the first bytes; the endpoint reads as usual.</summary>
    private sealed class TeeReadStream(Stream inner, int limit) : Stream
    {
        private readonly MemoryStream copy = new();

        public byte[] Copied => copy.ToArray();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            Keep(buffer.AsSpan(offset, n));
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            Keep(buffer.Span[..n]);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            var room = limit - (int)copy.Length;
            if (room > 0)
            {
                copy.Write(bytes[..Math.Min(room, bytes.Length)]);
            }
        }
    }
}
