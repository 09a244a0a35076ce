namespace Rrr.Core.Rrr.Sso;

/// <param name="ReturnTo">Where RRR's dashboard offers to send the member back.</param>
public sealed record CreateSsoTicketRequest(string RrrMemberId, Uri? ReturnTo = null);

/// <summary>A single-use, 60-second consume URL. It carries the ticket: redirect to it, never log or store it.</summary>
public sealed record SsoTicket(Uri Url, DateTimeOffset ExpiresAt);
