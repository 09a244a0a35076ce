namespace Rrr.Core.Features.Approvals;

/// <summary>The stored text of statuses and actions, owned here so a renamed enum member never changes stored rows.</summary>
public static class ApprovalCodes
{
    private static readonly CodeTable<ApprovalStatus> Statuses = new(
        "approval status",
        (ApprovalStatus.Pending, "PENDING"),
        (ApprovalStatus.Approved, "APPROVED"),
        (ApprovalStatus.Rejected, "REJECTED"),
        (ApprovalStatus.Expired, "EXPIRED"));

    private static readonly CodeTable<ApprovalAction> Actions = new(
        "approval action",
        (ApprovalAction.Requested, "REQUESTED"),
        (ApprovalAction.Approved, "APPROVED"),
        (ApprovalAction.Rejected, "REJECTED"),
        (ApprovalAction.Edited, "EDITED"));

    public static string StatusText(ApprovalStatus status) => Statuses.Text(status);

    public static ApprovalStatus ParseStatus(string text) => Statuses.Parse(text);

    public static string ActionText(ApprovalAction action) => Actions.Text(action);

    public static ApprovalAction ParseAction(string text) => Actions.Parse(text);
}
