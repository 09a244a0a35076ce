namespace Rrr.Core.Features.Promotions;

/// <summary>
/// A promotion changed (a decision here, or RRR's status via a webhook), by RRR promotion id: open admin
/// pages re-read it. On the app-wide bus (<see cref="IPortalEvents"/>).
/// </summary>
public sealed record PromotionChanged(string PromotionId) : IPortalMessage
{
    /// <summary>Every promotion change (the list page).</summary>
    public static readonly PortalTopic<PromotionChanged> Any = new("promotion.changed", "");

    /// <summary>The changes of one promotion (its detail page).</summary>
    public static PortalTopic<PromotionChanged> For(string promotionId) => new("promotion.changed", promotionId);

    public IEnumerable<PortalTopicKey> Topics() => [Any.Key, For(PromotionId).Key];
}

/// <summary>
/// Keeps RRR's word on the portal's approval rounds: after PROMOTION_STATUS_CHANGED it re-reads the promotion
/// and stores its status and version on the newest local round. The store refuses a lower version, so a
/// late, older answer never overwrites a newer one. <see cref="RrrStatusListener{TSync}"/> calls it on each such webhook.
/// </summary>
public sealed partial class PromotionSync(
    IApprovalStore store,
    ApprovalEngine engine,
    IRrrPromotionsApi promotions,
    IPortalEvents events,
    TimeProvider time,
    ILogger<PromotionSync> logger) : IRrrResourceSync
{
    /// <summary>A promotion's rounds shown at most; each edit and resubmit adds one.</summary>
    public const int RoundsListed = 50;

    public static string StatusEventType => RrrEventTypes.PromotionStatusChanged;

    public static string StatusIdField => "promotion_id";

    Task<bool> IRrrResourceSync.SyncAsync(string resourceId, CancellationToken cancellationToken) => SyncAsync(resourceId, cancellationToken);

    /// <summary>Re-reads the promotion from RRR and keeps what it says; true when the stored outcome changed.</summary>
    public async Task<bool> SyncAsync(string promotionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(promotionId);
        var current = await promotions.GetAsync(promotionId, cancellationToken);
        var stored = await RecordAsync(current, cancellationToken);

        // A promotion with no round here (a draft, or made by another client) still changes open pages.
        events.Publish(new PromotionChanged(promotionId));
        return stored;
    }

    /// <summary>Stores RRR's status and version on the promotion's newest round, unless a newer one is stored.</summary>
    public async Task<bool> RecordAsync(Promotion promotion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promotion);
        var round = await NewestRoundAsync(promotion.PromotionId, cancellationToken);
        if (round is null)
        {
            return false;
        }

        var stored = await store.SetOutcomeAsync(
            round.Id,
            new ApprovalOutcome(promotion.PromotionId, PromotionStatusText.Code(promotion.Status), promotion.Version, null, time.GetUtcNow()),
            cancellationToken);
        if (stored)
        {
            LogRecorded(logger, round.Id, promotion.PromotionId, promotion.Status, promotion.Version);
        }

        // RRR's admin may reject before two XCN admins have approved; the round must then leave the queue.
        if (promotion.Status == PromotionStatus.Rejected && round.Status == ApprovalStatus.Pending
            && promotion.Approvals.LastOrDefault(a => a.Decision == ApprovalDecision.Reject) is { } rejection)
        {
            var role = rejection.ApproverRole == ApproverRole.RrrAdmin ? ApprovalRoles.RrrAdmin : ApprovalRoles.XcnAdmin;
            await engine.CloseRejectedElsewhereAsync(round.Id, rejection.ApproverId, role, rejection.Reason, cancellationToken);
        }
        else
        {
            LogOlderIgnored(logger, round.Id, promotion.PromotionId, promotion.Version);
        }

        return stored;
    }

    /// <summary>The promotion's rounds, newest first (one per submit).</summary>
    public async Task<IReadOnlyList<ApprovalRequest>> RoundsAsync(string promotionId, CancellationToken cancellationToken) =>
        await store.ListForSubjectAsync(PromotionPolicy.Kind, promotionId, RoundsListed, cancellationToken);

    public async Task<ApprovalRequest?> NewestRoundAsync(string promotionId, CancellationToken cancellationToken)
    {
        var rounds = await RoundsAsync(promotionId, cancellationToken);
        return rounds.Count > 0 ? rounds[0] : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Promotion round {RequestId}: RRR promotion {PromotionId} is {Status} (version {Version})")]
    private static partial void LogRecorded(ILogger logger, string requestId, string promotionId, PromotionStatus status, long version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Promotion round {RequestId}: RRR promotion {PromotionId} version {Version} is older than the stored one; ignored")]
    private static partial void LogOlderIgnored(ILogger logger, string requestId, string promotionId, long version);
}
