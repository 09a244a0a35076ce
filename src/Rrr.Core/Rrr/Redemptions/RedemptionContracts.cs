namespace Rrr.Core.Rrr.Redemptions;

public enum RedemptionStatus
{
    Held,
    Committed,
    Reversed,
    Expired,
}

public sealed record RedemptionOptions(
    string RrrMemberId,
    long AvailablePoints,
    Money PointValue,
    long MaxPoints,
    IReadOnlyList<RedemptionOption> Options);

public sealed record RedemptionOption(long Points, Money Value);

public sealed record CreateRedemptionQuoteRequest(string RrrMemberId, long Points, string OrderRef);

public sealed record RedemptionQuote(
    string QuoteId,
    string RrrMemberId,
    long Points,
    Money Value,
    RedemptionStatus Status,
    DateTimeOffset ExpiresAt);

public sealed record CommitRedemptionRequest(string? PaymentRef = null);

public sealed record RedemptionCommit(string RedemptionId, string QuoteId, long Points, RedemptionStatus Status);

public sealed record ReverseRedemptionRequest(string Reason);

public sealed record RedemptionReversal(string QuoteId, long Points, RedemptionStatus Status);
