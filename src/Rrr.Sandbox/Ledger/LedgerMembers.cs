namespace Rrr.Sandbox.Ledger;

/// <summary>A person of the demo directory (docs/rrr-wire.md) as the ledger knows them.</summary>
internal sealed record DirectoryUser(string XcnUserId, string? RrrMemberId, string Name, string Kind);

internal sealed record MemberSummary(
    string? XcnUserId, string? RrrMemberId, string Name, string Kind, string LinkStatus, long? AvailablePoints, long? PendingPoints,
    long? EscrowPoints, long? WalletVersion);

/// <summary>The demo directory, its starting state, and the member list of the sandbox's own pages.</summary>
internal sealed class LedgerMembers(LedgerDatabase db, LedgerBook book)
{
    public static IReadOnlyList<DirectoryUser> Directory { get; } =
    [
        new("xcn_u_1001", "rrr_m_1001", "Mia", "member"),
        new("xcn_u_1002", "rrr_m_1002", "Noah", "member"),
        new("xcn_u_1003", "rrr_m_1003", "Oli", "member"),
        new("xcn_u_1004", null, "Pia", "member"),
        new("xcn_u_2001", "rrr_m_2001", "Luna", "model"),
    ];

    /// <summary>Creates the tables and, once per database, the demo directory's starting state.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await db.EnsureSchemaAsync(LedgerSchema.Sql, cancellationToken).ConfigureAwait(false);
        await db.WriteAsync(async tx =>
        {
            if (await tx.LongAsync("SELECT COUNT(*) FROM ledger_meta WHERE key = 'seeded';").ConfigureAwait(false) > 0)
            {
                return false;
            }

            await SeedAsync(tx).ConfigureAwait(false);
            await tx.ExecAsync("INSERT INTO ledger_meta (key, value) VALUES ('seeded', '1');").ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task SeedAsync(LedgerTx tx)
    {
        foreach (var user in Directory.Where(u => u.RrrMemberId is not null))
        {
            await tx.ExecAsync(
                """
                INSERT OR IGNORE INTO members (rrr_member_id, owner_xcn_user_id, kind, display_name, wallet_version, created_at)
                VALUES ($m, $x, $kind, $name, 1, $now);
                """,
                ("$m", user.RrrMemberId), ("$x", user.XcnUserId), ("$kind", user.Kind), ("$name", user.Name), ("$now", tx.NowMs)).ConfigureAwait(false);
        }

        foreach (var (xcn, member) in new[] { ("xcn_u_1001", "rrr_m_1001"), ("xcn_u_1003", "rrr_m_1003"), ("xcn_u_2001", "rrr_m_2001") })
        {
            await tx.ExecAsync(
                "INSERT INTO links (link_id, xcn_user_id, rrr_member_id, status, linked_at) VALUES ($id, $x, $m, 'LINKED', $at);",
                ("$id", LedgerDatabase.NewId("lnk_")), ("$x", xcn), ("$m", member), ("$at", (tx.Now - TimeSpan.FromDays(60)).ToUnixTimeMilliseconds()))
                .ConfigureAwait(false);
            await tx.ExecAsync("INSERT INTO link_versions (xcn_user_id, version) VALUES ($x, 1);", ("$x", xcn)).ConfigureAwait(false);
        }

        // Mia: 300 points from a lot earned 345 days ago expire within 30 days, 950 more later, 40 pending.
        await SeedLotAsync(tx, "rrr_m_1001", "EARN", 300, TimeSpan.FromDays(345), "seed_order_1").ConfigureAwait(false);
        await SeedLotAsync(tx, "rrr_m_1001", "EARN", 950, TimeSpan.FromDays(30), "seed_order_2").ConfigureAwait(false);
        await book.AddEntryAsync(tx, "rrr_m_1001", "EARN", 40, "seed_order_3", "PENDING", tx.Now + TimeSpan.FromHours(24), lot: true).ConfigureAwait(false);
        await SeedLotAsync(tx, "rrr_m_1002", "EARN", 500, TimeSpan.FromDays(100), "seed_order_4").ConfigureAwait(false);
        await SeedLotAsync(tx, "rrr_m_1003", "EARN", 80, TimeSpan.FromDays(10), "seed_order_5").ConfigureAwait(false);
        await SeedLotAsync(tx, "rrr_m_2001", "TOPUP", 10_000, TimeSpan.FromDays(5), "seed_budget").ConfigureAwait(false);

        // Mia holds a yearly membership: her panel shows a tier from the first start.
        await tx.ExecAsync(
            "INSERT INTO member_tiers (rrr_member_id, tier, membership_plan, updated_at) VALUES ('rrr_m_1001', 'PREMIUM', 'yearly', $now);",
            ("$now", tx.NowMs)).ConfigureAwait(false);
    }

    private async Task SeedLotAsync(LedgerTx tx, string memberId, string type, long points, TimeSpan age, string reference)
    {
        var entryId = await book.AddEntryAsync(tx, memberId, type, points, reference, availableAt: tx.Now - age, lot: true).ConfigureAwait(false);
        await tx.ExecAsync("UPDATE ledger_entries SET created_at = available_at WHERE entry_id = $id;", ("$id", entryId)).ConfigureAwait(false);
    }

    /// <summary>The demo directory plus members created by linking, with wallet numbers and link state.</summary>
    public async Task<List<MemberSummary>> ListMembersAsync(CancellationToken cancellationToken)
    {
        await book.RunDueWorkAsync(cancellationToken).ConfigureAwait(false);
        return await db.ReadAsync(async tx =>
        {
            var members = await tx.QueryAsync(
                "SELECT rrr_member_id, owner_xcn_user_id, display_name, kind, wallet_version FROM members ORDER BY rrr_member_id;",
                r => (Id: r.GetString(0), Owner: LedgerBook.NullableString(r, 1), Name: r.GetString(2), Kind: r.GetString(3), Version: r.GetInt64(4))).ConfigureAwait(false);
            var links = await tx.QueryAsync(
                "SELECT xcn_user_id, rrr_member_id FROM links WHERE status = 'LINKED';", r => (Xcn: r.GetString(0), Member: r.GetString(1))).ConfigureAwait(false);
            var result = new List<MemberSummary>();
            foreach (var member in members)
            {
                var wallet = await book.WalletAsync(tx, member.Id, member.Version).ConfigureAwait(false);
                var link = links.FirstOrDefault(l => l.Member == member.Id);
                result.Add(new MemberSummary(
                    link.Xcn ?? member.Owner, member.Id, member.Name, member.Kind, link.Xcn is null ? "NOT_LINKED" : "LINKED",
                    wallet.AvailablePoints, wallet.PendingPoints, wallet.EscrowPoints, wallet.Version));
            }

            foreach (var user in Directory.Where(u => u.RrrMemberId is null && !members.Any(m => m.Owner == u.XcnUserId)))
            {
                result.Add(new MemberSummary(user.XcnUserId, null, user.Name, user.Kind, "NOT_LINKED", null, null, null, null));
            }

            return result;
        }, cancellationToken).ConfigureAwait(false);
    }
}
