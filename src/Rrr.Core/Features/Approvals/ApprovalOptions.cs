namespace Rrr.Core.Features.Approvals;

/// <summary>Bound from "Approvals".</summary>
public sealed class ApprovalOptions
{
    public const string Section = "Approvals";

    /// <summary>How long a request waits for its approvals before it expires.</summary>
    public TimeSpan RequestLifetime { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How often a decision that lost a race is re-evaluated on fresh state before giving up.</summary>
    public int ConflictRetries { get; set; } = 8;
}
