namespace Rrr.Core.Rrr.Adjustments;

public enum AdjustmentReason
{
    Goodwill,
    ServiceRecovery,
    Correction,
    FraudReversal,
    PromotionMakegood,
}

public enum AdjustmentStatus
{
    Posted,
    PendingRrrApproval,
    Rejected,
}

/// <param name="Points">Signed and never 0: credits positive, debits negative.</param>
/// <param name="XcnApprovals">The XCN admins who approved; RRR recounts them against its thresholds.</param>
public sealed record CreateAdjustmentRequest(
    string RrrMemberId,
    long Points,
    AdjustmentReason ReasonCode,
    string TicketId,
    string RequestedBy,
    IReadOnlyList<XcnApproval> XcnApprovals);

public sealed record XcnApproval(string ApproverId, DateTimeOffset ApprovedAt);

/// <summary>
/// The RRR admin's step on a large adjustment. docs/rrr-wire.md names the member (<c>rrr_approval?</c>) but not
/// its shape; this mirrors the promotion approval record, and missing members simply stay null.
/// </summary>
public sealed record RrrApproval(
    string ApproverId,
    ApprovalDecision Decision,
    string? Reason,
    DateTimeOffset? DecidedAt);

public sealed record Adjustment(
    string AdjustmentId,
    string RrrMemberId,
    long Points,
    AdjustmentReason ReasonCode,
    string TicketId,
    string RequestedBy,
    AdjustmentStatus Status,
    int RequiredXcnApprovals,
    bool RequiresRrrApproval,
    IReadOnlyList<XcnApproval> XcnApprovals,
    RrrApproval? RrrApproval,
    DateTimeOffset CreatedAt,
    long Version);

public sealed record AdjustmentList(IReadOnlyList<Adjustment> Items);
