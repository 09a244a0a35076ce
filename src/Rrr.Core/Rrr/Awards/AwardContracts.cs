namespace Rrr.Core.Rrr.Awards;

public enum AwardStatus
{
    Committed,
}

public sealed record CreateAwardIntentRequest(
    string ModelMemberId,
    string ViewerXcnUserId,
    long Points,
    string RoomId,
    string StreamId);

public sealed record AwardIntent(string AwardIntentId, string ViewerMemberId, long Points, DateTimeOffset ExpiresAt);

public sealed record Award(
    string AwardId,
    string AwardIntentId,
    long Points,
    AwardStatus Status,
    DateTimeOffset CommittedAt);
