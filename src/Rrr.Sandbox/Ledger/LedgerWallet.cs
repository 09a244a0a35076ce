namespace Rrr.Sandbox.Ledger;

internal sealed record ExpiringPoints(long Points, DateTimeOffset ExpiresAt);

/// <param name="Tier">The member's tier (the latest membership earn's), null when none.</param>
internal sealed record WalletView(
    string RrrMemberId, long AvailablePoints, long PendingPoints, long EscrowPoints,
    IReadOnlyList<ExpiringPoints> ExpiringSoon, DateTimeOffset AsOf, long Version, string? Tier);

internal sealed record TransactionItem(
    string EntryId, string Type, long Points, string Status, DateTimeOffset CreatedAt, string? Reference, string? TraceId);

internal sealed record TransactionPage(IReadOnlyList<TransactionItem> Items, string? NextCursor);

/// <summary>A member's wallet as RRR reports it, and their transactions, newest first.</summary>
internal sealed class LedgerWallet(LedgerDatabase db, LedgerBook book)
{
    public async Task<WalletView> GetWalletAsync(string memberId, CancellationToken cancellationToken)
    {
        await book.RunDueWorkAsync(cancellationToken).ConfigureAwait(false);
        return await db.ReadAsync(async tx =>
        {
            var version = await LedgerBook.RequireMemberAsync(tx, memberId).ConfigureAwait(false);
            return await book.WalletAsync(tx, memberId, version).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TransactionPage> GetTransactionsAsync(string memberId, string? cursor, int limit, CancellationToken cancellationToken)
    {
        long before = long.MaxValue;
        if (!string.IsNullOrEmpty(cursor) && !long.TryParse(cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out before))
        {
            throw LedgerProblem.Validation("cursor", "The cursor is not valid.");
        }

        if (limit is < 1 or > 100)
        {
            throw LedgerProblem.Validation("limit", "The limit must be between 1 and 100.");
        }

        await book.RunDueWorkAsync(cancellationToken).ConfigureAwait(false);
        return await db.ReadAsync(async tx =>
        {
            await LedgerBook.RequireMemberAsync(tx, memberId).ConfigureAwait(false);
            var rows = await tx.QueryAsync(
                """
                SELECT seq, entry_id, type, points, status, created_at, reference, trace_id FROM ledger_entries
                WHERE rrr_member_id = $m AND seq < $before ORDER BY seq DESC LIMIT $limit;
                """,
                r => (Seq: r.GetInt64(0), Item: new TransactionItem(
                    r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), Times.FromMs(r.GetInt64(5)),
                    r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7))),
                ("$m", memberId), ("$before", before), ("$limit", limit + 1)).ConfigureAwait(false);
            var more = rows.Count > limit;
            var page = rows.Take(limit).ToList();
            var next = more ? page[^1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return new TransactionPage(page.Select(r => r.Item).ToList(), next);
        }, cancellationToken).ConfigureAwait(false);
    }
}
