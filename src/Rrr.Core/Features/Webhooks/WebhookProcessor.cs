namespace Rrr.Core.Features.Webhooks;

/// <summary>Wakes the <see cref="WebhookProcessor"/> when the endpoint stored something.</summary>
public sealed class WebhookProcessorSignal : WakeSignal;

/// <summary>
/// Works through the inbox: claims due events under a lease, applies each (resource version first,
/// so a stale or repeated event changes nothing and tells nobody), publishes each applied event on the
/// bus (<see cref="IPortalEvents"/>), and marks it processed. Failures are retried with exponential
/// backoff, then marked failed. Also purges events past retention (SQLite has no TTL index; on Mongo
/// the TTL index usually got there first).
/// </summary>
public sealed partial class WebhookProcessor(
    IWebhookInbox inbox,
    IResourceVersions versions,
    IPortalEvents events,
    WebhookProcessorSignal signal,
    TimeProvider time,
    IOptions<WebhookProcessorOptions> options,
    ILogger<WebhookProcessor> logger) : BackgroundService
{
    // Unique per processor instance, also across restarts of the same process id.
    private readonly string owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    private DateTimeOffset nextPurge = DateTimeOffset.MinValue;

    /// <summary>This instance's lease owner id.</summary>
    public string Owner => owner;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        await signal.RunAsync(
            async ct =>
            {
                await PurgeIfDueAsync(ct);

                // Keep going while full batches come back; a short batch means the inbox is drained.
                while (await RunOnceAsync(ct) >= settings.BatchSize)
                {
                }
            },
            settings.PollInterval,
            time,
            ex => LogLoopFailed(logger, ex.GetType().Name),
            stoppingToken);
    }

    /// <summary>Claims and handles one batch; returns how many events it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var claimed = await inbox.ClaimAsync(owner, settings.BatchSize, now, now + settings.Lease, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        try
        {
            await HandleBatchAsync(claimed, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // the batch path failed; the one-by-one path records each event's own failure
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Whatever the batch already applied is now stale, so nothing is applied or published twice.
            LogBatchFallback(logger, claimed.Count, ex.GetType().Name);
            foreach (var item in claimed)
            {
                await HandleOneAsync(item, settings, cancellationToken);
            }
        }

        return claimed.Count;
    }

    /// <summary>
    /// The fast path: all resource versions in one write, all completions in another, so a batch
    /// costs two commits however many events it holds (each commit is a disk sync on SQLite).
    /// </summary>
    private async Task HandleBatchAsync(IReadOnlyList<ClaimedInboxEvent> claimed, CancellationToken cancellationToken)
    {
        var plans = claimed.Select(c => Prepare(c.Event)).ToList();
        var applied = await versions.TryApplyManyAsync(
            plans.Where(p => p.State is not null).Select(p => p.State!).ToList(), cancellationToken);

        var completions = new List<InboxCompletion>(claimed.Count);
        var next = 0;
        for (var i = 0; i < claimed.Count; i++)
        {
            var plan = plans[i];
            var outcome = InboxOutcome.Ignored;
            if (plan.State is not null)
            {
                outcome = applied[next++] == ResourceApplyResult.Applied ? InboxOutcome.Applied : InboxOutcome.Stale;
                Publish(plan.Event!, outcome);
            }

            completions.Add(new InboxCompletion(claimed[i].Event.EventId, outcome));
        }

        var marked = await inbox.MarkProcessedManyAsync(owner, completions, time.GetUtcNow(), cancellationToken);
        for (var i = 0; i < claimed.Count; i++)
        {
            if (marked[i])
            {
                LogProcessed(logger, completions[i].EventId, claimed[i].Event.Type, completions[i].Outcome);
            }
            else
            {
                LogLeaseLost(logger, completions[i].EventId);
            }
        }
    }

    private async Task HandleOneAsync(ClaimedInboxEvent item, WebhookProcessorOptions settings, CancellationToken cancellationToken)
    {
        var eventId = item.Event.EventId;
        try
        {
            var plan = Prepare(item.Event);
            var outcome = InboxOutcome.Ignored;
            if (plan.State is not null)
            {
                outcome = await versions.TryApplyAsync(plan.State, cancellationToken) == ResourceApplyResult.Applied
                    ? InboxOutcome.Applied
                    : InboxOutcome.Stale;
                Publish(plan.Event!, outcome);
            }

            if (await inbox.MarkProcessedAsync(eventId, owner, outcome, time.GetUtcNow(), cancellationToken))
            {
                LogProcessed(logger, eventId, item.Event.Type, outcome);
            }
            else
            {
                LogLeaseLost(logger, eventId);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // any failure of one event is recorded on it; the batch goes on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The class name only: messages can quote data, and the inbox and logs keep no payloads.
            var errorClass = ex.GetType().Name;
            DateTimeOffset? retryAt = item.Attempts >= settings.MaxAttempts
                ? null
                : time.GetUtcNow() + RetryDelay(item.Attempts, settings);
            await inbox.MarkFailedAsync(eventId, owner, errorClass, retryAt, cancellationToken);
            if (retryAt is null)
            {
                LogGaveUp(logger, eventId, item.Event.Type, item.Attempts, errorClass);
            }
            else
            {
                LogWillRetry(logger, eventId, item.Event.Type, item.Attempts, errorClass);
            }
        }
    }

    // State news only when the event moved its resource on; the fact either way (a sibling at the same version is news too).
    private void Publish(RrrEvent rrrEvent, InboxOutcome outcome)
    {
        if (outcome == InboxOutcome.Applied)
        {
            events.Publish(rrrEvent);
        }

        events.Publish(new RrrFact(rrrEvent, outcome == InboxOutcome.Applied));
    }

    /// <summary>
    /// The event and the resource state it would set; no state for types this portal does not act on
    /// (kept and acknowledged: a newer contract may add types) or events without a resource version.
    /// </summary>
    private (RrrEvent? Event, ResourceState? State) Prepare(InboxEvent inboxEvent)
    {
        var rrrEvent = RrrEventPayload.Parse(inboxEvent.Payload);
        if (rrrEvent is null || !RrrEventTypes.Known.Contains(rrrEvent.Type))
        {
            return (rrrEvent, null);
        }

        if (rrrEvent.ResourceType is not { Length: > 0 } resourceType
            || rrrEvent.ResourceId is not { Length: > 0 } resourceId
            || rrrEvent.Version is not { } version)
        {
            LogNoResourceVersion(logger, inboxEvent.EventId, inboxEvent.Type);
            return (rrrEvent, null);
        }

        return (rrrEvent, new ResourceState(
            resourceType, resourceId, version, rrrEvent.Id, rrrEvent.Type,
            RrrEventPayload.DataToJson(rrrEvent), time.GetUtcNow()));
    }

    internal async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < nextPurge)
        {
            return;
        }

        var settings = options.Value;
        nextPurge = now + settings.PurgeInterval;
        var purged = await inbox.PurgeAsync(now - settings.Retention, cancellationToken);
        if (purged > 0)
        {
            LogPurged(logger, purged);
        }
    }

    internal static TimeSpan RetryDelay(int attempts, WebhookProcessorOptions settings)
    {
        var factor = 1L << Math.Clamp(attempts - 1, 0, 20);
        return TimeSpan.FromTicks(Math.Min(settings.FirstRetryDelay.Ticks * factor, settings.MaxRetryDelay.Ticks));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook event {EventId} ({EventType}) processed: {Outcome}")]
    private static partial void LogProcessed(ILogger logger, string eventId, string eventType, InboxOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook event {EventId}: lease lost before it was marked processed")]
    private static partial void LogLeaseLost(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook event {EventId} ({EventType}) failed attempt {Attempt} ({ErrorClass}); will retry")]
    private static partial void LogWillRetry(ILogger logger, string eventId, string eventType, int attempt, string errorClass);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook event {EventId} ({EventType}) failed {Attempt} times ({ErrorClass}); marked failed")]
    private static partial void LogGaveUp(ILogger logger, string eventId, string eventType, int attempt, string errorClass);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook event {EventId} ({EventType}) has no resource version; ignored")]
    private static partial void LogNoResourceVersion(ILogger logger, string eventId, string eventType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook processor pass failed ({ErrorClass}); retrying on the next wake-up")]
    private static partial void LogLoopFailed(ILogger logger, string errorClass);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook batch of {Count} failed ({ErrorClass}); settling its events one by one")]
    private static partial void LogBatchFallback(ILogger logger, int count, string errorClass);

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} webhook inbox events past retention")]
    private static partial void LogPurged(ILogger logger, long count);
}
