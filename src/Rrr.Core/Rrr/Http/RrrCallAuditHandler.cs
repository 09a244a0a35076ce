using Microsoft.Extensions.Logging;

namespace Rrr.Core.Rrr.Http;

/// <summary>
/// Records every attempt (it sits inside the retry strategy): each attempt reached, or may have reached,
/// RRR and may have changed its ledger, so the audit must show all of them with their attempt number, not
/// only the outcome the caller saw. Recording never fails or delays the call beyond the store write:
/// a store error becomes a warning.
/// </summary>
public sealed partial class RrrCallAuditHandler(IRrrCallLog log, RrrClientMetrics metrics, TimeProvider time, ILogger<RrrCallAuditHandler> logger)
    : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
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
