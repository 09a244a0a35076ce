namespace Rrr.Core.Features.Approvals;

/// <summary>The stored text of statuses and actions, owned here so a renamed enum member never changes stored rows.</summary>
public static class ApprovalCodes
{
    public static string StatusText(ApprovalStatus status) => status switch
    {
        ApprovalStatus.Pending => "PENDING",
        ApprovalStatus.Approved => "APPROVED",
        ApprovalStatus.Rejected => "REJECTED",
        ApprovalStatus.Expired => "EXPIRED",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static ApprovalStatus ParseStatus(string text) => text switch
    {
        "PENDING" => ApprovalStatus.Pending,
        "APPROVED" => ApprovalStatus.Approved,
        "REJECTED" => ApprovalStatus.Rejected,
        "EXPIRED" => ApprovalStatus.Expired,
        _ => throw new FormatException("Unknown approval status."),
    };

    public static string ActionText(ApprovalAction action) => action switch
    {
        ApprovalAction.Requested => "REQUESTED",
        ApprovalAction.Approved => "APPROVED",
        ApprovalAction.Rejected => "REJECTED",
        ApprovalAction.Edited => "EDITED",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    public static ApprovalAction ParseAction(string text) => text switch
    {
        "REQUESTED" => ApprovalAction.Requested,
        "APPROVED" => ApprovalAction.Approved,
        "REJECTED" => ApprovalAction.Rejected,
        "EDITED" => ApprovalAction.Edited,
        _ => throw new FormatException("Unknown approval action."),
    };
}
