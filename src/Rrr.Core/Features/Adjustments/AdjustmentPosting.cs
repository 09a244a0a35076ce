namespace Rrr.Core.Features.Adjustments;

/// <summary>
/// An adjustment request changed (a decision here, or RRR's status via a webhook), by approval request id:
/// open admin pages re-read the requests. On the app-wide bus (<see cref="IPortalEvents"/>).
/// </summary>
public sealed record AdjustmentRequestChanged(string RequestId) : IPortalMessage
{
    /// <summary>Every adjustment request change (the adjustments page).</summary>
    public static readonly PortalTopic<AdjustmentRequestChanged> Any = new("adjustment.changed", "");

    public IEnumerable<PortalTopicKey> Topics() => [Any.Key];
}

/// <summary>
/// Carries out approved adjustments: posts them to RRR with the approvers (key from the approval request
/// id, so a retry or a second instance lands on RRR's replay), keeps RRR's status on the request, and
/// re-reads RRR when it says the status changed (through <see cref="RrrStatusListener{TSync}"/>). The balance is never
/// touched here: RRR posts it.
/// </summary>
public sealed partial class AdjustmentPosting(
    IApprovalStore store,
    IRrrAdjustmentsApi adjustments,
    IAuditStore audit,
    IPortalEvents events,
    TimeProvider time,
    ILogger<AdjustmentPosting> logger,
    ApprovalChainKeys chain) : IRrrResourceSync
{
    public static string StatusEventType => RrrEventTypes.AdjustmentStatusChanged;

    public static string StatusIdField => "adjustment_id";

    Task<bool> IRrrResourceSync.SyncAsync(string resourceId, CancellationToken cancellationToken) => SyncAsync(resourceId, cancellationToken);

    public async Task<ApprovalOutcome> PostAsync(ApprovalView view, string actorId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        var request = view.Request;
        if (request.Status != ApprovalStatus.Approved)
        {
            throw new ApprovalRuleException(ApprovalErrors.NotPending, "Only an approved request is posted to RRR.");
        }

        var key = IdempotencyKeys.AdjustmentCreate(request.Id);
        using var activity = Activity.Current is null ? new Activity("adjustment.post").Start() : null;
        var traceId = Activity.Current?.TraceId.ToHexString();
        ApprovalOutcome outcome;

        // The row says what to post; the keyed chain says whether that is what was approved. Someone who can write
        // the store could change points, member or reason and recompute plain hashes, but not reseal the records.
        if (chain.ProblemForPosting(view) is not null)
        {
            outcome = new ApprovalOutcome(null, AdjustmentOutcomes.PostFailed, 0, AdjustmentOutcomes.ChainBroken, time.GetUtcNow());
            LogChainRefused(logger, request.Id);
            await store.SetOutcomeAsync(request.Id, outcome, cancellationToken);
            await audit.AppendAsync(
                new AuditEvent("aud_" + Guid.NewGuid().ToString("N"), time.GetUtcNow(), actorId, "adjustment.posted", request.Id, traceId, null,
                    $"REFUSED:{AdjustmentOutcomes.ChainBroken}"),
                cancellationToken);
            events.Publish(new AdjustmentRequestChanged(request.Id));
            return outcome;
        }

        var payload = AdjustmentPayload.FromJson(request.PayloadJson);
        try
        {
            var created = await adjustments.CreateAsync(
                new CreateAdjustmentRequest(
                    payload.RrrMemberId, payload.Points, payload.ReasonCode, payload.TicketId, request.MakerId,
                    view.CurrentApprovals.Select(a => new XcnApproval(a.ActorId, a.At)).ToList()),
                key,
                cancellationToken);
            outcome = new ApprovalOutcome(created.AdjustmentId, AdjustmentOutcomes.Text(created.Status), created.Version, null, time.GetUtcNow());
        }
        catch (RrrProblemException ex)
        {
            // RRR refused (insufficient_points, quorum, ...): final for this key, since RRR replays its 4xx.
            outcome = new ApprovalOutcome(null, AdjustmentOutcomes.PostFailed, 0, ex.Code, time.GetUtcNow());
            LogPostRefused(logger, request.Id, ex.Code);
        }
        catch (RrrException ex)
        {
            // RRR unreachable: nothing is final; "Post again" sends the same key.
            outcome = new ApprovalOutcome(null, AdjustmentOutcomes.PostFailed, 0, "rrr_unavailable", time.GetUtcNow());
            LogPostFailed(logger, request.Id, ex.GetType().Name);
        }

        await store.SetOutcomeAsync(request.Id, outcome, cancellationToken);
        await audit.AppendAsync(
            new AuditEvent("aud_" + Guid.NewGuid().ToString("N"), time.GetUtcNow(), actorId, "adjustment.posted", request.Id, traceId, key,
                outcome.ErrorCode is null ? outcome.Status : $"{outcome.Status}:{outcome.ErrorCode}"),
            cancellationToken);
        events.Publish(new AdjustmentRequestChanged(request.Id));
        return outcome;
    }

    /// <summary>Re-reads the adjustment from RRR (after ADJUSTMENT_STATUS_CHANGED) and keeps what it says.</summary>
    public async Task<bool> SyncAsync(string adjustmentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(adjustmentId);
        var request = await store.FindByExternalIdAsync(AdjustmentPolicy.Kind, adjustmentId, cancellationToken);
        if (request is null)
        {
            // Made elsewhere (another client of RRR); nothing of ours to update.
            return false;
        }

        var current = await adjustments.GetAsync(adjustmentId, cancellationToken);
        var stored = await store.SetOutcomeAsync(
            request.Id,
            new ApprovalOutcome(current.AdjustmentId, AdjustmentOutcomes.Text(current.Status), current.Version, null, time.GetUtcNow()),
            cancellationToken);
        if (stored)
        {
            LogSynced(logger, request.Id, adjustmentId, current.Status);
            events.Publish(new AdjustmentRequestChanged(request.Id));
        }

        return stored;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Adjustment request {RequestId} does not match its approval chain: not posted to RRR")]
    private static partial void LogChainRefused(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Adjustment request {RequestId}: RRR refused the post ({Code})")]
    private static partial void LogPostRefused(ILogger logger, string requestId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Adjustment request {RequestId}: post to RRR failed ({ErrorClass})")]
    private static partial void LogPostFailed(ILogger logger, string requestId, string errorClass);

    [LoggerMessage(Level = LogLevel.Information, Message = "Adjustment request {RequestId}: RRR adjustment {AdjustmentId} is {Status}")]
    private static partial void LogSynced(ILogger logger, string requestId, string adjustmentId, AdjustmentStatus status);
}
