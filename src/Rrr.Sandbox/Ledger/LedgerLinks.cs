namespace Rrr.Sandbox.Ledger;

internal sealed record LinkIntentCreated(string IntentId, string XcnUserId, DateTimeOffset ExpiresAt, string Delivery, int AttemptsRemaining);

internal sealed record LinkView(string LinkId, string XcnUserId, string RrrMemberId, string Status, DateTimeOffset LinkedAt, long Version);

internal sealed record LinkRevoked(string LinkId, string XcnUserId, string RrrMemberId, string Status, DateTimeOffset RevokedAt, long Version);

internal sealed record LinkStatus(
    string XcnUserId, string Status, string? LinkId, string? RrrMemberId, string? LinkType, DateTimeOffset? LinkedAt, long Version);

internal sealed record InboxItem(string IntentId, string RrrMemberId, string XcnUserId, string Code, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>Links: intents with a code in the member's RRR inbox, confirmation, revocation and the link status.</summary>
internal sealed class LedgerLinks(LedgerDatabase db, LedgerBook book, LedgerRules rules)
{
    /// <summary>The sandbox clock's now, against which the inbox shows a code as expired.</summary>
    public DateTimeOffset Now => book.Now;

    public Task<LinkIntentCreated> CreateLinkIntentAsync(string xcnUserId, string? memberId, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            if (memberId is not null)
            {
                await LedgerBook.RequireMemberAsync(tx, memberId).ConfigureAwait(false);
            }
            else
            {
                memberId = await tx.SingleAsync(
                    "SELECT rrr_member_id FROM members WHERE owner_xcn_user_id = $x ORDER BY created_at LIMIT 1;", r => r.GetString(0), ("$x", xcnUserId))
                    .ConfigureAwait(false) ?? await CreateMemberAsync(tx, xcnUserId).ConfigureAwait(false);
            }

            await RefuseIfLinkedAsync(tx, xcnUserId, memberId).ConfigureAwait(false);
            var intent = new LinkIntentCreated(
                LedgerDatabase.NewId("li_"), xcnUserId, tx.Now + rules.LinkIntentLifetime, "rrr_inbox", rules.LinkCodeAttempts);
            // The code is what the member reads in their RRR inbox; it is never logged.
            var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            await tx.ExecAsync(
                """
                INSERT INTO link_intents (intent_id, xcn_user_id, rrr_member_id, code, attempts_remaining, status, created_at, expires_at)
                VALUES ($id, $x, $m, $code, $attempts, 'OPEN', $now, $expires);
                """,
                ("$id", intent.IntentId), ("$x", xcnUserId), ("$m", memberId), ("$code", code), ("$attempts", rules.LinkCodeAttempts),
                ("$now", tx.NowMs), ("$expires", intent.ExpiresAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
            await BumpLinkVersionAsync(tx, xcnUserId).ConfigureAwait(false);
            return intent;
        }, cancellationToken);

    public Task<LinkView> ConfirmLinkAsync(string intentId, string code, CancellationToken cancellationToken) =>
        db.WriteAsync(async tx =>
        {
            var intent = await tx.RowAsync(
                "SELECT xcn_user_id, rrr_member_id, code, attempts_remaining, status, expires_at FROM link_intents WHERE intent_id = $id;",
                r => (Xcn: r.GetString(0), Member: r.GetString(1), Code: r.GetString(2), Attempts: r.GetInt32(3), Status: r.GetString(4), Expires: r.GetInt64(5)),
                ("$id", intentId)).ConfigureAwait(false) ?? throw LedgerProblem.NotFound("The link intent");
            if (intent.Status == "CONSUMED")
            {
                throw new LedgerProblem(409, "already_linked", "This link intent was already confirmed.");
            }

            if (intent.Status == "VOID" || intent.Attempts <= 0)
            {
                throw new LedgerProblem(422, "intent_void", "Too many wrong codes: start linking again.");
            }

            if (intent.Expires <= tx.NowMs)
            {
                throw new LedgerProblem(422, "intent_expired", "The code has expired: start linking again.");
            }

            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(code), Encoding.ASCII.GetBytes(intent.Code)))
            {
                var left = intent.Attempts - 1;
                await tx.ExecAsync(
                    "UPDATE link_intents SET attempts_remaining = $left, status = CASE WHEN $left = 0 THEN 'VOID' ELSE status END WHERE intent_id = $id;",
                    ("$left", left), ("$id", intentId)).ConfigureAwait(false);
                // Deferred so the used-up try is committed, not rolled back with the refusal.
                tx.DeferredProblem = left == 0
                    ? new LedgerProblem(422, "intent_void", "Too many wrong codes: start linking again.")
                    : new LedgerProblem(422, "invalid_code", "That code is not right.", new Dictionary<string, object?> { ["attempts_remaining"] = (long)left });
                return null!;
            }

            await RefuseIfLinkedAsync(tx, intent.Xcn, intent.Member).ConfigureAwait(false);
            var linkId = LedgerDatabase.NewId("lnk_");
            await tx.ExecAsync("UPDATE link_intents SET status = 'CONSUMED' WHERE intent_id = $id;", ("$id", intentId)).ConfigureAwait(false);
            await tx.ExecAsync(
                "INSERT INTO links (link_id, xcn_user_id, rrr_member_id, status, linked_at) VALUES ($id, $x, $m, 'LINKED', $now);",
                ("$id", linkId), ("$x", intent.Xcn), ("$m", intent.Member), ("$now", tx.NowMs)).ConfigureAwait(false);
            var version = await BumpLinkVersionAsync(tx, intent.Xcn).ConfigureAwait(false);
            tx.Publish("LINK_UPDATED", LinkEvent(intent.Xcn, intent.Member, linkId, "LINKED", version));
            return new LinkView(linkId, intent.Xcn, intent.Member, "LINKED", tx.Now, version);
        }, cancellationToken);

    public Task<LinkRevoked> RevokeLinkAsync(string linkId, CancellationToken cancellationToken) =>
        db.WriteAsync(async tx =>
        {
            var link = await tx.SingleAsync(
                "SELECT xcn_user_id, rrr_member_id, status FROM links WHERE link_id = $id;",
                r => new[] { r.GetString(0), r.GetString(1), r.GetString(2) }, ("$id", linkId)).ConfigureAwait(false)
                ?? throw LedgerProblem.NotFound("The link");
            if (link[2] != "LINKED")
            {
                throw LedgerProblem.InvalidState("The link is not active.");
            }

            await tx.ExecAsync("UPDATE links SET status = 'REVOKED', revoked_at = $now WHERE link_id = $id;", ("$now", tx.NowMs), ("$id", linkId))
                .ConfigureAwait(false);
            var version = await BumpLinkVersionAsync(tx, link[0]).ConfigureAwait(false);
            tx.Publish("LINK_UPDATED", LinkEvent(link[0], link[1], linkId, "REVOKED", version));
            return new LinkRevoked(linkId, link[0], link[1], "REVOKED", tx.Now, version);
        }, cancellationToken);

    public async Task<LinkStatus> GetLinkStatusAsync(string xcnUserId, CancellationToken cancellationToken)
    {
        return await db.ReadAsync(async tx =>
        {
            var version = await tx.LongAsync("SELECT version FROM link_versions WHERE xcn_user_id = $x;", ("$x", xcnUserId)).ConfigureAwait(false);
            var latest = await tx.RowAsync(
                "SELECT link_id, rrr_member_id, status, linked_at FROM links WHERE xcn_user_id = $x ORDER BY linked_at DESC, rowid DESC LIMIT 1;",
                r => (Id: r.GetString(0), Member: r.GetString(1), Status: r.GetString(2), At: r.GetInt64(3)), ("$x", xcnUserId))
                .ConfigureAwait(false);
            if (latest is { Status: "LINKED" } linked)
            {
                return new LinkStatus(xcnUserId, "LINKED", linked.Id, linked.Member, "ACCOUNT", Times.FromMs(linked.At), version);
            }

            var open = await tx.LongAsync(
                "SELECT COUNT(*) FROM link_intents WHERE xcn_user_id = $x AND status = 'OPEN' AND expires_at > $now;", ("$x", xcnUserId), ("$now", tx.NowMs))
                .ConfigureAwait(false);
            if (open > 0)
            {
                return new LinkStatus(xcnUserId, "PENDING", null, null, null, null, version);
            }

            return latest is { } revoked
                ? new LinkStatus(xcnUserId, "REVOKED", revoked.Id, revoked.Member, "ACCOUNT", Times.FromMs(revoked.At), version)
                : new LinkStatus(xcnUserId, "NOT_LINKED", null, null, null, null, version);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The sandbox's stand-in for the member's RRR inbox: link codes, newest first.</summary>
    public Task<List<InboxItem>> GetInboxAsync(string? memberId, string? xcnUserId, CancellationToken cancellationToken) =>
        db.ReadAsync(tx => tx.QueryAsync(
            """
            SELECT intent_id, rrr_member_id, xcn_user_id, code, created_at, expires_at FROM link_intents
            WHERE ($m IS NULL OR rrr_member_id = $m) AND ($x IS NULL OR xcn_user_id = $x)
            ORDER BY created_at DESC, rowid DESC LIMIT 100;
            """,
            r => new InboxItem(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Times.FromMs(r.GetInt64(4)), Times.FromMs(r.GetInt64(5))),
            ("$m", memberId), ("$x", xcnUserId)), cancellationToken);

    private static async Task RefuseIfLinkedAsync(LedgerTx tx, string xcnUserId, string memberId)
    {
        var linked = await tx.LongAsync(
            "SELECT COUNT(*) FROM links WHERE status = 'LINKED' AND (xcn_user_id = $x OR rrr_member_id = $m);", ("$x", xcnUserId), ("$m", memberId))
            .ConfigureAwait(false);
        if (linked > 0)
        {
            throw new LedgerProblem(409, "already_linked", "The XCN user or the RRR member is already linked.");
        }
    }

    private static async Task<string> CreateMemberAsync(LedgerTx tx, string xcnUserId)
    {
        // Members are never deleted, so the count only grows and the number stays unique.
        var memberId = "rrr_m_" + (5001 + await tx.LongAsync("SELECT COUNT(*) FROM members;").ConfigureAwait(false)).ToString(CultureInfo.InvariantCulture);
        await tx.ExecAsync(
            "INSERT INTO members (rrr_member_id, owner_xcn_user_id, kind, display_name, wallet_version, created_at) VALUES ($m, $x, 'member', $m, 0, $now);",
            ("$m", memberId), ("$x", xcnUserId), ("$now", tx.NowMs)).ConfigureAwait(false);
        return memberId;
    }

    private static async Task<long> BumpLinkVersionAsync(LedgerTx tx, string xcnUserId)
    {
        await tx.ExecAsync(
            "INSERT INTO link_versions (xcn_user_id, version) VALUES ($x, 1) ON CONFLICT (xcn_user_id) DO UPDATE SET version = version + 1;", ("$x", xcnUserId))
            .ConfigureAwait(false);
        return await tx.LongAsync("SELECT version FROM link_versions WHERE xcn_user_id = $x;", ("$x", xcnUserId)).ConfigureAwait(false);
    }

    private static Dictionary<string, object?> LinkEvent(string xcnUserId, string memberId, string linkId, string status, long version) => new(StringComparer.Ordinal)
    {
        ["resource_type"] = "link",
        ["resource_id"] = xcnUserId,
        ["version"] = version,
        ["xcn_user_id"] = xcnUserId,
        ["rrr_member_id"] = memberId,
        ["link_id"] = linkId,
        ["status"] = status,
    };
}
