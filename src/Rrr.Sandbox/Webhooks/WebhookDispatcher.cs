using System.Net.Http.Headers;

namespace Rrr.Sandbox.Webhooks;

/// <summary>
/// Delivers due events to <see cref="SandboxSettings.WebhookUrl"/>, signs each attempt afresh (new
/// timestamp), records every attempt and schedules retries on the contract's backoff, in real time.
/// Logs carry event ids and status codes only: never bodies or secrets.
/// </summary>
internal sealed partial class WebhookDispatcher(
    WebhookStore store,
    WebhookSignal signal,
    SandboxSettings settings,
    WebhookDeliveryOptions options,
    IHttpClientFactory httpClientFactory,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "rrr-sandbox-webhooks";

    private readonly WebhookSigner _signer = new(settings.WebhookSecrets);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.WebhookUrl is null)
        {
            // Events still go to the outbox and show in the log as PENDING; nothing to deliver them to.
            LogNoTarget(logger);
            return;
        }

        await store.RecoverInFlightAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(settings.WebhookUrl, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must outlive a transient database error; it is logged and retried.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogLoopFailed(logger, ex.GetType().Name);
                await signal.WaitAsync(TimeSpan.FromSeconds(5), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RunOnceAsync(Uri target, CancellationToken stoppingToken)
    {
        var due = await store.ClaimDueAsync(time.GetUtcNow(), options.Concurrency * 4, stoppingToken).ConfigureAwait(false);
        if (due.Count > 0)
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = stoppingToken };
            await Parallel.ForEachAsync(due, parallel, (item, ct) => new ValueTask(DeliverAsync(target, item, ct))).ConfigureAwait(false);
            return;
        }

        var next = await store.NextDueAsync(stoppingToken).ConfigureAwait(false);
        var wait = next is null ? options.IdlePoll : next.Value - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await signal.WaitAsync(wait < options.IdlePoll ? wait : options.IdlePoll, time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(Uri target, DueEvent item, CancellationToken cancellationToken)
    {
        var attemptedAt = time.GetUtcNow();
        var body = Encoding.UTF8.GetBytes(item.Body);
        var timestamp = attemptedAt.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", item.EventId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", _signer.Sign(item.EventId, timestamp, body));

        int? status = null;
        string? error = null;
        var started = time.GetTimestamp();
        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException ex)
        {
            error = $"{nameof(HttpRequestException)}:{ex.HttpRequestError}";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = "Timeout";
        }

        // Stopping mid-attempt records nothing: the event stays in flight and is recovered at the next start.
        var durationMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var delivered = status is >= 200 and < 300;
        var next = delivered ? null : options.NextAttemptAfterFailure(item.Attempt, attemptedAt, item.EnqueuedAt);
        var state = delivered ? WebhookStates.Delivered : next is null ? WebhookStates.Failed : WebhookStates.Retrying;
        var outcome = await store.RecordAttemptAsync(
            new WebhookAttempt(item.EventId, item.Type, item.Attempt, attemptedAt, status, error, durationMs, state, next),
            time.GetUtcNow(),
            CancellationToken.None).ConfigureAwait(false);
        LogAttempt(logger, item.EventId, item.Attempt, status, error, outcome.State);
        if (outcome.NextAttemptAt is not null && outcome.NextAttemptAt <= time.GetUtcNow())
        {
            signal.Notify();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {EventId} attempt {Attempt}: status {Status} error {Error} -> {State}")]
    private static partial void LogAttempt(ILogger logger, string eventId, int attempt, int? status, string? error, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "No webhook URL configured; sandbox events stay in the outbox")]
    private static partial void LogNoTarget(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook dispatcher loop failed ({ErrorType}); retrying")]
    private static partial void LogLoopFailed(ILogger logger, string errorType);
}
