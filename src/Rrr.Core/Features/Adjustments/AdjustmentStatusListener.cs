namespace Rrr.Core.Features.Adjustments;

/// <summary>ADJUSTMENT_STATUS_CHANGED → <see cref="AdjustmentPosting"/> re-reads the adjustment and tells open pages.</summary>
public sealed class AdjustmentStatusListener(
    IPortalEvents events,
    IServiceProvider services,
    ILogger<AdjustmentStatusListener> logger) : RrrStatusListener(events, logger)
{
    protected override string EventType => RrrEventTypes.AdjustmentStatusChanged;

    protected override string IdField => "adjustment_id";

    protected override Task RefreshAsync(string resourceId, CancellationToken cancellationToken) =>
        services.GetRequiredService<AdjustmentPosting>().SyncAsync(resourceId, cancellationToken);
}
