namespace Rrr.Sandbox.Ledger;

internal sealed record MemberSummary(
    string? XcnUserId, string? RrrMemberId, string Name, string Kind, string LinkStatus, long? AvailablePoints, long? PendingPoints,
    long? EscrowPoints, long? WalletVersion);

internal sealed partial class SandboxLedger
{
    /// <summary>The demo directory plus members created by linking, with wallet numbers and link state.</summary>
    public async Task<List<MemberSummary>> ListMembersAsync(CancellationToken cancellationToken)
    {
        await RunDueWorkAsync(cancellationToken).ConfigureAwait(false);
        return await db.ReadAsync(async tx =>
        {
            var members = await tx.QueryAsync(
                "SELECT rrr_member_id, owner_xcn_user_id, display_name, kind, wallet_version FROM members ORDER BY rrr_member_id;",
                r => (Id: r.GetString(0), Owner: NullableString(r, 1), Name: r.GetString(2), Kind: r.GetString(3), Version: r.GetInt64(4))).ConfigureAwait(false);
            var links = await tx.QueryAsync(
                "SELECT xcn_user_id, rrr_member_id FROM links WHERE status = 'LINKED';", r => (Xcn: r.GetString(0), Member: r.GetString(1))).ConfigureAwait(false);
            var result = new List<MemberSummary>();
            foreach (var member in members)
            {
                var wallet = await WalletAsync(tx, member.Id, member.Version).ConfigureAwait(false);
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
