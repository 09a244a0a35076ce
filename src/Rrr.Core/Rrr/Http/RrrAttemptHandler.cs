namespace Rrr.Core.Rrr.Http;

/// <summary>
/// Everything that happens to one attempt of an RRR call (it sits inside the retry strategy, innermost): a POST
/// or PATCH without a valid Idempotency-Key is refused before it leaves the process (an unkeyed mutation could act
/// twice); the credential, X-Client-Id and X-Request-Trace are set; then the attempt is timed and recorded in the
/// call log with its attempt number, because each attempt reached, or may have reached, RRR and may have changed
/// its ledger. Recording never fails or delays the call beyond the store write: a store error becomes a warning.
/// </summary>
public sealed partial class RrrAttemptHandler(
    IOptionsMonitor<RrrClientOptions> options,
    IRrrCallLog log,
    RrrClientMetrics metrics,
    TimeProvider time,
    ILogger<RrrAttemptHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RefuseUnkeyedMutation(request);
        SetHeaders(request);

        var attempt = RrrRequest.NextAttempt(request);
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        HttpResponseMessage? response = null;
        var outcome = RrrCallOutcome.NoResponse;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
            outcome = response.IsSuccessStatusCode ? RrrCallOutcome.Succeeded : RrrCallOutcome.Failed;
            return response;
        }
        catch (OperationCanceledException)
        {
            outcome = RrrCallOutcome.Cancelled;
            throw;
        }
        finally
        {
            var latency = time.GetElapsedTime(started);
            metrics.Record(request.Method.Method, RrrRequest.RouteTemplate(request) ?? "other", response is null ? null : (int)response.StatusCode, latency);
            await RecordAsync(request, response, attempt, startedAt, latency, outcome);
        }
    }

    private static void RefuseUnkeyedMutation(HttpRequestMessage request)
    {
        if (!RrrRequest.IsMutating(request.Method))
        {
            return;
        }

        var key = RrrRequest.IdempotencyKey(request);
        if (string.IsNullOrEmpty(key))
        {
            throw new InvalidOperationException(
                $"{RrrRequest.Operation(request)} is a {request.Method.Method} without an Idempotency-Key; every RRR mutation needs one (see IdempotencyKeys).");
        }

        if (!IdempotencyKeys.IsValid(key))
        {
            throw new InvalidOperationException(
                $"{RrrRequest.Operation(request)} has an Idempotency-Key RRR would refuse: it must be 1–{IdempotencyKeys.MaxLength} visible ASCII characters.");
        }
    }

    private void SetHeaders(HttpRequestMessage request)
    {
        var settings = options.CurrentValue;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        request.Headers.Remove(RrrRequest.ClientIdHeader);
        request.Headers.TryAddWithoutValidation(RrrRequest.ClientIdHeader, settings.ClientId);
        var traceId = RrrRequest.TraceId(request);
        request.Headers.Remove(RrrRequest.TraceHeader);
        request.Headers.TryAddWithoutValidation(RrrRequest.TraceHeader, traceId);
    }

    private async Task RecordAsync(
        HttpRequestMessage request,
        HttpResponseMessage? response,
        int attempt,
        DateTimeOffset startedAt,
        TimeSpan latency,
        RrrCallOutcome outcome)
    {
        var operation = RrrRequest.Operation(request);
        try
        {
            var record = new RrrCallRecord(
                Id: Guid.CreateVersion7(startedAt).ToString("N"),
                StartedAt: startedAt,
                Operation: operation,
                Method: request.Method.Method,
                PathTemplate: RrrRequest.PathTemplate(request),
                IdempotencyKey: RrrRequest.IdempotencyKey(request),
                TraceId: RrrRequest.TraceId(request),
                Attempt: attempt,
                StatusCode: response is null ? null : (int)response.StatusCode,
                ErrorCode: response is null ? null : await ReadErrorCodeAsync(response),
                Outcome: outcome,
                LatencyMs: (long)latency.TotalMilliseconds,
                Replayed: response?.Headers.TryGetValues(RrrRequest.ReplayedHeader, out var replayed) == true
                    && replayed.Any(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase)));

            // Not the caller's token: a call cancelled after RRR answered still belongs in the audit.
            await log.RecordAsync(record, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogRecordFailed(logger, operation, attempt, ex);
        }
    }

    private static async Task<string?> ReadErrorCodeAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode || !RrrProblem.IsProblem(response))
        {
            return null;
        }

        // Buffering keeps the body readable for the problem handler and Refit further out.
        await response.Content.LoadIntoBufferAsync();
        return RrrProblem.TryReadCode(await response.Content.ReadAsByteArrayAsync());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record RRR call {Operation} attempt {Attempt} in the call log")]
    private static partial void LogRecordFailed(ILogger logger, string operation, int attempt, Exception exception);
}
