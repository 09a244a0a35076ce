namespace Rrr.Core.Rrr.Http;

/// <summary>What the handlers need to know about one RRR request, read from or kept in its options.</summary>
internal static class RrrRequest
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ClientIdHeader = "X-Client-Id";
    public const string TraceHeader = "X-Request-Trace";
    public const string ReplayedHeader = "Idempotent-Replayed";

    private static readonly HttpRequestOptionsKey<string> TraceIdKey = new("rrr.trace_id");
    private static readonly HttpRequestOptionsKey<int> AttemptKey = new("rrr.attempt");

    /// <summary><c>IRrrWalletApi.GetWalletAsync</c> for Refit calls; the method and path otherwise.</summary>
    public static string Operation(HttpRequestMessage request)
    {
        var options = (IDictionary<string, object?>)request.Options;
        var method = options.TryGetValue(HttpRequestMessageOptions.MethodName, out var m) ? m as string : null;
        var type = options.TryGetValue(HttpRequestMessageOptions.InterfaceType, out var t) ? t as Type : null;
        return method is not null && type is not null
            ? $"{type.Name}.{method}"
            : $"{request.Method.Method} {PathTemplate(request)}";
    }

    /// <summary>
    /// The route template (<c>/v1/members/{rrrMemberId}/wallet</c>) for Refit calls. Other requests give
    /// their path, which holds opaque ids only; the query is always left out.
    /// </summary>
    public static string PathTemplate(HttpRequestMessage request)
    {
        var options = (IDictionary<string, object?>)request.Options;
        if (options.TryGetValue(HttpRequestMessageOptions.RelativePathTemplate, out var template) && template is string path)
        {
            var query = path.IndexOf('?', StringComparison.Ordinal);
            return query < 0 ? path : path[..query];
        }

        return request.RequestUri is { IsAbsoluteUri: true } uri ? uri.AbsolutePath : request.RequestUri?.OriginalString.Split('?')[0] ?? "";
    }

    /// <summary>The route template for Refit calls, null for any other request (whose path may hold ids).</summary>
    public static string? RouteTemplate(HttpRequestMessage request) =>
        ((IDictionary<string, object?>)request.Options).TryGetValue(HttpRequestMessageOptions.RelativePathTemplate, out var template) && template is string
            ? PathTemplate(request)
            : null;

    public static string? IdempotencyKey(HttpRequestMessage request) =>
        request.Headers.TryGetValues(IdempotencyKeyHeader, out var values) ? values.FirstOrDefault() : null;

    /// <summary>
    /// The trace id for this request, fixed on first use so every attempt carries the same one: the
    /// caller's W3C trace id when there is an Activity, a fresh 32-hex id otherwise.
    /// </summary>
    public static string TraceId(HttpRequestMessage request)
    {
        if (request.Options.TryGetValue(TraceIdKey, out var existing))
        {
            return existing;
        }

        var traceId = request.Headers.TryGetValues(TraceHeader, out var sent) && sent.FirstOrDefault() is { Length: > 0 } given
            ? given
            : Activity.Current?.TraceId.ToHexString() ?? Guid.NewGuid().ToString("N");
        request.Options.Set(TraceIdKey, traceId);
        return traceId;
    }

    /// <summary>Counts attempts on the message: the retry strategy sends the same message again.</summary>
    public static int NextAttempt(HttpRequestMessage request)
    {
        var attempt = request.Options.TryGetValue(AttemptKey, out var previous) ? previous + 1 : 1;
        request.Options.Set(AttemptKey, attempt);
        return attempt;
    }

    public static bool IsMutating(HttpMethod method) => method == HttpMethod.Post || method == HttpMethod.Patch;

    /// <summary>GETs, and calls RRR deduplicates by key, may be sent again without acting twice.</summary>
    public static bool IsSafeToRepeat(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || IdempotencyKeys.IsValid(IdempotencyKey(request));
}
