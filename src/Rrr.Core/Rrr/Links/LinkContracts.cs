namespace Rrr.Core.Rrr.Links;

public enum LinkStatus
{
    NotLinked,
    Pending,
    Linked,
    Revoked,
}

public enum LinkType
{
    Account,
}

/// <param name="RrrMemberId">Targets a specific RRR member; without it RRR uses (or creates) the user's own account.</param>
public sealed record CreateLinkIntentRequest(string XcnUserId, string? RrrMemberId = null);

public sealed record LinkIntent(
    string IntentId,
    string XcnUserId,
    DateTimeOffset ExpiresAt,
    string Delivery,
    int AttemptsRemaining);

/// <param name="Code">The six-digit code from the member's RRR inbox; a secret, never logged.</param>
public sealed record ConfirmLinkRequest(string IntentId, string Code);

public sealed record ConfirmedLink(
    string LinkId,
    string XcnUserId,
    string RrrMemberId,
    LinkStatus Status,
    DateTimeOffset LinkedAt,
    long Version);

/// <summary>The answer of <c>GET /v1/links</c>; the optional members are set only when they apply.</summary>
public sealed record LinkState(
    string XcnUserId,
    LinkStatus Status,
    string? LinkId,
    string? RrrMemberId,
    LinkType? LinkType,
    DateTimeOffset? LinkedAt,
    long Version);

public sealed record RevokeLinkRequest(string Reason);

public sealed record RevokedLink(
    string LinkId,
    string XcnUserId,
    string RrrMemberId,
    LinkStatus Status,
    DateTimeOffset RevokedAt,
    long Version);
