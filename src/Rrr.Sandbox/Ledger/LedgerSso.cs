namespace Rrr.Sandbox.Ledger;

internal sealed record SsoTicket(string Url, DateTimeOffset ExpiresAt);

internal sealed record SsoSession(string RrrMemberId, string? ReturnTo);

/// <summary>Single-use SSO tickets into the sandbox's member pages.</summary>
internal sealed class LedgerSso(LedgerDatabase db, LedgerRules rules)
{
    /// <summary>Issues a single-use ticket; only its SHA-256 is stored, so the database never holds a usable link.</summary>
    public Task<SsoTicket> CreateSsoTicketAsync(string memberId, Uri? returnTo, Uri sandboxUrl, CancellationToken cancellationToken) =>
        db.WriteAsync(async tx =>
        {
            await LedgerBook.RequireMemberAsync(tx, memberId).ConfigureAwait(false);
            var ticket = Base64Url(RandomNumberGenerator.GetBytes(32));
            var expiresAt = tx.Now + rules.SsoTicketLifetime;
            await tx.ExecAsync(
                "INSERT INTO sso_tickets (ticket_hash, rrr_member_id, return_to, expires_at) VALUES ($h, $m, $r, $exp);",
                ("$h", Hash(ticket)), ("$m", memberId), ("$r", returnTo?.AbsoluteUri), ("$exp", expiresAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
            return new SsoTicket(new Uri(sandboxUrl, "/sso/consume?ticket=" + ticket).AbsoluteUri, expiresAt);
        }, cancellationToken);

    /// <returns>The member to sign in, or null when the ticket is unknown, used or expired.</returns>
    public Task<SsoSession?> ConsumeSsoTicketAsync(string? ticket, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(ticket) || ticket.Length > 100
            ? Task.FromResult<SsoSession?>(null)
            : db.WriteAsync(async tx =>
            {
                var hash = Hash(ticket);
                // One UPDATE both checks and consumes: two tabs racing with the same link cannot both win.
                var consumed = await tx.ExecAsync(
                    "UPDATE sso_tickets SET consumed_at = $now WHERE ticket_hash = $h AND consumed_at IS NULL AND expires_at > $now;",
                    ("$now", tx.NowMs), ("$h", hash)).ConfigureAwait(false);
                return consumed == 0
                    ? null
                    : await tx.SingleAsync(
                        "SELECT rrr_member_id, return_to FROM sso_tickets WHERE ticket_hash = $h;",
                        r => new SsoSession(r.GetString(0), LedgerBook.NullableString(r, 1)), ("$h", hash)).ConfigureAwait(false);
            }, cancellationToken);

    private static string Hash(string ticket) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ticket)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
