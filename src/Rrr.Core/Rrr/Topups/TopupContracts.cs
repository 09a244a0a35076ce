namespace Rrr.Core.Rrr.Topups;

public enum TopupStatus
{
    Posted,
}

/// <param name="Bundle">100, 250 or 500 points (RRR answers validation_failed otherwise).</param>
public sealed record CreateTopupQuoteRequest(string RrrMemberId, int Bundle);

public sealed record TopupQuote(string QuoteId, string RrrMemberId, long Points, Money Price, DateTimeOffset ExpiresAt);

public sealed record CommitTopupRequest(string PaymentRef);

public sealed record TopupCommit(string TopupId, string QuoteId, long Points, TopupStatus Status);
