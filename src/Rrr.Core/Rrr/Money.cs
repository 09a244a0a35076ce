namespace Rrr.Core.Rrr;

/// <summary>
/// A money amount as RRR sends it: <c>{"amount": "12.50", "currency": "USD"}</c>. The amount travels as a
/// decimal string (see <see cref="Http.MoneyJsonConverter"/>) so no side ever rounds it through a double.
/// </summary>
public sealed record Money(decimal Amount, string Currency);

/// <summary>Who decides an approval step on the RRR side (promotions and adjustments).</summary>
public enum ApproverRole
{
    XcnAdmin,
    RrrAdmin,
}

public enum ApprovalDecision
{
    Approve,
    Reject,
}

/// <summary>One decision on an RRR approval step, the same body for promotions and adjustments.</summary>
/// <param name="ApproverRole">Always <see cref="ApproverRole.RrrAdmin"/> on the adjustment endpoint.</param>
/// <param name="Reason">Required by RRR for <see cref="ApprovalDecision.Reject"/>.</param>
public sealed record ApprovalDecisionRequest(
    string ApproverId,
    ApproverRole ApproverRole,
    ApprovalDecision Decision,
    string? Reason = null);
