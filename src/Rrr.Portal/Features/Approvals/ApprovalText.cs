namespace Rrr.Portal.Features.Approvals;

/// <summary>The approvals queue's and chain check's texts (ApprovalText.resx, ApprovalText.es.resx), and the words for a policy and its progress that the adjustments page shares. Only a name for <c>IStringLocalizer&lt;ApprovalText&gt;</c>.</summary>
public sealed class ApprovalText
{
}
