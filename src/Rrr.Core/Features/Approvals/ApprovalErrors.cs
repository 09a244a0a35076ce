namespace Rrr.Core.Features.Approvals;

/// <summary>Stable codes of refused decisions; the UI words them, tests switch on them.</summary>
public static class ApprovalErrors
{
    public const string NotFound = "not_found";
    public const string MakerCannotApprove = "maker_cannot_approve";
    public const string AlreadyDecided = "already_decided";
    public const string Expired = "expired";
    public const string NotPending = "not_pending";
    public const string ReasonRequired = "reason_required";
    public const string StaleVersion = "stale_version";
    public const string OnlyMakerEdits = "only_maker_edits";
    public const string Conflict = "conflict";
}

/// <summary>A decision or edit the rules refuse; <see cref="Code"/> is one of <see cref="ApprovalErrors"/>.</summary>
public sealed class ApprovalRuleException(string code, string message) : InvalidOperationException(message)
{
    public string Code { get; } = code;
}
