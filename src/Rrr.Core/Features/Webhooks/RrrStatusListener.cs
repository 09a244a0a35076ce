namespace Rrr.Core.Features.Webhooks;

/// <summary>
/// Turns one kind of status webhook (applied by the webhook processor) into a re-read of that resource from RRR.
/// The events's handler only queues the id, since handlers run on the processor's thread. What re-reads it
/// (and with it the RRR client) is resolved only when an event arrives, after start-up validation, so a
/// misconfigured portal still names every bad setting (as <c>EarnDispatcherHost</c> does).
/// </summary>
public abstract partial class RrrStatusListener(IPortalEvents events, ILogger logger) : BusListener<string>(events, logger)
{
    /// <summary>The event type this listener follows, e.g. PROMOTION_STATUS_CHANGED.</summary>
    protected abstract string EventType { get; }

    /// <summary>The data field naming the resource, e.g. promotion_id; the event's resource id when absent.</summary>
    protected abstract string IdField { get; }

    /// <summary>Re-reads the resource from RRR and keeps what it says.</summary>
    protected abstract Task RefreshAsync(string resourceId, CancellationToken cancellationToken);

    protected override IEnumerable<IDisposable> Subscribe(IPortalEvents bus) => [bus.Subscribe(RrrTopic.OfType(EventType), OnEvent)];

    protected override async Task HandleAsync(IReadOnlyList<string> batch, CancellationToken cancellationToken)
    {
        foreach (var resourceId in batch)
        {
            await HandleAsync(resourceId, cancellationToken);
        }
    }

    internal void OnEvent(RrrEvent rrrEvent)
    {
        if (rrrEvent.Type == EventType && (rrrEvent.GetString(IdField) ?? rrrEvent.ResourceId) is { Length: > 0 } id)
        {
            Enqueue(id);
        }
    }

    internal async Task HandleAsync(string resourceId, CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(resourceId, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // one failed re-read must not stop the listener; the page's refresh reads RRR again
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRefreshFailed(Logger, EventType, resourceId, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{EventType} for {ResourceId}: re-reading RRR failed ({ErrorClass})")]
    private static partial void LogRefreshFailed(ILogger logger, string eventType, string resourceId, string errorClass);
}

/// <summary>Re-reads one kind of RRR resource when its status webhook names it.</summary>
public interface IRrrResourceSync
{
    /// <summary>The status webhook that says the resource changed, e.g. PROMOTION_STATUS_CHANGED.</summary>
    static abstract string StatusEventType { get; }

    /// <summary>The data field of that webhook naming the resource, e.g. promotion_id.</summary>
    static abstract string StatusIdField { get; }

    /// <summary>Re-reads the resource from RRR and keeps what it says; true when the stored outcome changed.</summary>
    Task<bool> SyncAsync(string resourceId, CancellationToken cancellationToken);
}

/// <summary>The listener of <typeparamref name="TSync"/>'s status webhook: each one is a re-read through <typeparamref name="TSync"/>.</summary>
public sealed class RrrStatusListener<TSync>(
    IPortalEvents events,
    IServiceProvider services,
    ILogger<RrrStatusListener<TSync>> logger) : RrrStatusListener(events, logger)
    where TSync : class, IRrrResourceSync
{
    protected override string EventType => TSync.StatusEventType;

    protected override string IdField => TSync.StatusIdField;

    protected override Task RefreshAsync(string resourceId, CancellationToken cancellationToken) =>
        services.GetRequiredService<TSync>().SyncAsync(resourceId, cancellationToken);
}
