namespace Rrr.Core.Features.Promotions;

/// <summary>PROMOTION_STATUS_CHANGED → <see cref="PromotionSync"/> re-reads the promotion and tells open pages.</summary>
public sealed class PromotionStatusListener(
    IPortalEvents events,
    IServiceProvider services,
    ILogger<PromotionStatusListener> logger) : RrrStatusListener(events, logger)
{
    protected override string EventType => RrrEventTypes.PromotionStatusChanged;

    protected override string IdField => "promotion_id";

    protected override Task RefreshAsync(string resourceId, CancellationToken cancellationToken) =>
        services.GetRequiredService<PromotionSync>().SyncAsync(resourceId, cancellationToken);
}
