namespace Rrr.Core.Rrr.Earn;

public enum EarnProduct
{
    Tokens,
    Membership,
}

public enum PostingMode
{
    Immediate,
    Pending,
}

public enum EarnStatus
{
    Posted,
    Pending,
    Reversed,
}

/// <param name="ExpectedPoints">XCN's own expectation, sent for reconciliation; RRR's rules decide.</param>
/// <param name="MembershipPlan">XCN's plan code of a membership order (e.g. <c>monthly</c>); absent for tokens.</param>
/// <param name="Tier">The tier the portal's configuration maps the plan to (e.g. <c>PREMIUM</c>); absent for tokens.</param>
public sealed record EarnEventRequest(
    string XcnUserId,
    string OrderNumber,
    EarnProduct Product,
    Money Amount,
    PostingMode PostingMode,
    long? ExpectedPoints = null,
    string? MembershipPlan = null,
    string? Tier = null);

public sealed record EarnEvent(
    string EarnEventId,
    string RrrMemberId,
    long Points,
    EarnStatus Status,
    DateTimeOffset AvailableAt);

public sealed record ReverseEarnRequest(string Reason);

public sealed record EarnReversal(
    string EarnEventId,
    string ReversalEntryId,
    long PointsReversed,
    EarnStatus Status);
