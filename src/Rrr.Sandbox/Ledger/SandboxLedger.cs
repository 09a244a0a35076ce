using Microsoft.Data.Sqlite;

namespace Rrr.Sandbox.Ledger;

internal sealed record ExpiringPoints(long Points, DateTimeOffset ExpiresAt);

internal sealed record WalletView(
    string RrrMemberId, long AvailablePoints, long PendingPoints, long EscrowPoints,
    IReadOnlyList<ExpiringPoints> ExpiringSoon, DateTimeOffset AsOf, long Version);

internal sealed record TransactionItem(
    string EntryId, string Type, long Points, string Status, DateTimeOffset CreatedAt, string? Reference, string? TraceId);

internal sealed record TransactionPage(IReadOnlyList<TransactionItem> Items, string? NextCursor);

/// <summary>
/// The sandbox's RRR ledger: one class split by feature (partial files), sharing the entry, lot and
/// due-work helpers here. Every operation is one <see cref="LedgerDatabase.WriteAsync{T}"/> transaction
/// that first applies whatever the sandbox clock made due, so nothing depends on a timer.
/// </summary>
internal sealed partial class SandboxLedger(LedgerDatabase db, LedgerRules rules)
{
    public LedgerRules Rules => rules;

    public DateTimeOffset Now => db.Clock.GetUtcNow();

    /// <summary>Applies due work in its own transaction; reads call it first so they never show stale state.</summary>
    public Task RunDueWorkAsync(CancellationToken cancellationToken) =>
        db.WriteAsync(async tx =>
        {
            await ApplyDueAsync(tx).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public async Task<WalletView> GetWalletAsync(string memberId, CancellationToken cancellationToken)
    {
        await RunDueWorkAsync(cancellationToken).ConfigureAwait(false);
        return await db.ReadAsync(async tx =>
        {
            var version = await RequireMemberAsync(tx, memberId).ConfigureAwait(false);
            return await WalletAsync(tx, memberId, version).ConfigureAwait(false);
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

        await RunDueWorkAsync(cancellationToken).ConfigureAwait(false);
        return await db.ReadAsync(async tx =>
        {
            await RequireMemberAsync(tx, memberId).ConfigureAwait(false);
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

    // ---- shared helpers -------------------------------------------------------------------------------

    /// <returns>The member's wallet version; 404 not_found when there is no such member.</returns>
    private static async Task<long> RequireMemberAsync(LedgerTx tx, string? memberId)
    {
        var rows = await tx.QueryAsync("SELECT wallet_version FROM members WHERE rrr_member_id = $m;", r => r.GetInt64(0), ("$m", memberId ?? ""))
            .ConfigureAwait(false);
        return rows.Count == 0 ? throw LedgerProblem.NotFound("The RRR member") : rows[0];
    }

    private async Task<WalletView> WalletAsync(LedgerTx tx, string memberId, long version)
    {
        var available = await AvailableAsync(tx, memberId).ConfigureAwait(false);
        var pending = await tx.LongAsync(
            "SELECT COALESCE(SUM(points), 0) FROM ledger_entries WHERE rrr_member_id = $m AND status = 'PENDING';", ("$m", memberId)).ConfigureAwait(false);
        var escrow = await tx.LongAsync(
            "SELECT COALESCE(SUM(points), 0) FROM redemption_quotes WHERE rrr_member_id = $m AND status = 'HELD';", ("$m", memberId)).ConfigureAwait(false);
        var expiring = await tx.QueryAsync(
            """
            SELECT remaining, expires_at FROM ledger_entries
            WHERE rrr_member_id = $m AND status = 'POSTED' AND remaining > 0 AND expires_at <= $until
            ORDER BY expires_at, seq;
            """,
            r => new ExpiringPoints(r.GetInt64(0), Times.FromMs(r.GetInt64(1))),
            ("$m", memberId), ("$until", (tx.Now + rules.ExpiringSoonWindow).ToUnixTimeMilliseconds())).ConfigureAwait(false);
        return new WalletView(memberId, available, pending, escrow, expiring, tx.Now, version);
    }

    private static Task<long> AvailableAsync(LedgerTx tx, string memberId) =>
        tx.LongAsync("SELECT COALESCE(SUM(points), 0) FROM ledger_entries WHERE rrr_member_id = $m AND status = 'POSTED';", ("$m", memberId));

    /// <summary>Writes one entry. Credits with <paramref name="lot"/> become lots that expire.</summary>
    private async Task<string> AddEntryAsync(
        LedgerTx tx, string memberId, string type, long points, string? reference,
        string status = "POSTED", DateTimeOffset? availableAt = null, bool lot = false)
    {
        var entryId = LedgerDatabase.NewId("ent_");
        var available = availableAt ?? tx.Now;
        await tx.ExecAsync(
            """
            INSERT INTO ledger_entries (entry_id, rrr_member_id, type, points, status, created_at, available_at, expires_at, remaining, reference, trace_id)
            VALUES ($id, $m, $type, $points, $status, $now, $available, $expires, $remaining, $ref, $trace);
            """,
            ("$id", entryId), ("$m", memberId), ("$type", type), ("$points", points), ("$status", status), ("$now", tx.NowMs),
            ("$available", available.ToUnixTimeMilliseconds()),
            ("$expires", lot ? (available + rules.LotLifetime).ToUnixTimeMilliseconds() : null),
            ("$remaining", lot ? points : 0), ("$ref", reference), ("$trace", tx.TraceId)).ConfigureAwait(false);
        return entryId;
    }

    /// <summary>Takes a final debit out of the lots, soonest-expiring first (own lot first when given).</summary>
    private static async Task ConsumeLotsAsync(LedgerTx tx, string memberId, long points, string? preferEntryId = null)
    {
        var lots = await tx.QueryAsync(
            """
            SELECT entry_id, remaining FROM ledger_entries
            WHERE rrr_member_id = $m AND remaining > 0 AND (status = 'POSTED' OR entry_id = $prefer)
            ORDER BY CASE WHEN entry_id = $prefer THEN 0 ELSE 1 END, expires_at, seq;
            """,
            r => (Id: r.GetString(0), Remaining: r.GetInt64(1)), ("$m", memberId), ("$prefer", preferEntryId ?? "")).ConfigureAwait(false);
        foreach (var (id, remaining) in lots)
        {
            if (points <= 0)
            {
                break;
            }

            var take = Math.Min(points, remaining);
            await tx.ExecAsync("UPDATE ledger_entries SET remaining = remaining - $take WHERE entry_id = $id;", ("$take", take), ("$id", id))
                .ConfigureAwait(false);
            points -= take;
        }
    }

    private static Dictionary<string, object?> WalletEvent(string memberId, long version) => new(StringComparer.Ordinal)
    {
        ["resource_type"] = "wallet",
        ["resource_id"] = memberId,
        ["version"] = version,
        ["rrr_member_id"] = memberId,
    };

    // ---- due work ---------------------------------------------------------------------------------------

    /// <summary>Everything the sandbox clock made due: pending releases, quote and intent expiry, promotion end, lot expiry.</summary>
    private async Task ApplyDueAsync(LedgerTx tx)
    {
        var now = tx.NowMs;
        var pending = await tx.QueryAsync(
            "SELECT entry_id, rrr_member_id, type, points FROM ledger_entries WHERE status = 'PENDING' AND available_at <= $now ORDER BY seq;",
            r => (Id: r.GetString(0), Member: r.GetString(1), Type: r.GetString(2), Points: r.GetInt64(3)), ("$now", now)).ConfigureAwait(false);
        foreach (var entry in pending)
        {
            await tx.ExecAsync("UPDATE ledger_entries SET status = 'POSTED' WHERE entry_id = $id;", ("$id", entry.Id)).ConfigureAwait(false);
            var earn = await tx.SingleAsync(
                "SELECT earn_event_id, order_number FROM earn_events WHERE entry_id = $id AND status = 'PENDING';",
                r => new[] { r.GetString(0), r.GetString(1) }, ("$id", entry.Id)).ConfigureAwait(false);
            if (earn is not null)
            {
                await tx.ExecAsync("UPDATE earn_events SET status = 'POSTED' WHERE earn_event_id = $e;", ("$e", earn[0])).ConfigureAwait(false);
            }

            var data = WalletEvent(entry.Member, await tx.BumpWalletAsync(entry.Member).ConfigureAwait(false));
            data["status"] = "POSTED";
            data["points"] = entry.Points;
            data["entry_id"] = entry.Id;
            data["earn_event_id"] = earn?[0];
            data["order_number"] = earn?[1];
            tx.Publish(entry.Type == "EARN_REVERSAL" ? "POINTS_REVERSED" : "POINTS_POSTED", data);
        }

        var quotes = await tx.QueryAsync(
            "SELECT quote_id, rrr_member_id, points FROM redemption_quotes WHERE status = 'HELD' AND expires_at <= $now;",
            r => (Id: r.GetString(0), Member: r.GetString(1), Points: r.GetInt64(2)), ("$now", now)).ConfigureAwait(false);
        foreach (var quote in quotes)
        {
            await tx.ExecAsync("UPDATE redemption_quotes SET status = 'EXPIRED' WHERE quote_id = $q;", ("$q", quote.Id)).ConfigureAwait(false);
            var entryId = await AddEntryAsync(tx, quote.Member, "REDEMPTION_RELEASE", quote.Points, quote.Id).ConfigureAwait(false);
            var data = WalletEvent(quote.Member, await tx.BumpWalletAsync(quote.Member).ConfigureAwait(false));
            data["status"] = "EXPIRED";
            data["points"] = quote.Points;
            data["entry_id"] = entryId;
            data["quote_id"] = quote.Id;
            tx.Publish("REDEMPTION_REVERSED", data);
        }

        await tx.ExecAsync("UPDATE topup_quotes SET status = 'EXPIRED' WHERE status = 'OPEN' AND expires_at <= $now;", ("$now", now)).ConfigureAwait(false);
        await tx.ExecAsync("UPDATE award_intents SET status = 'EXPIRED' WHERE status = 'OPEN' AND expires_at <= $now;", ("$now", now)).ConfigureAwait(false);
        await EndPromotionsAsync(tx).ConfigureAwait(false);
        await ExpireLotsAsync(tx).ConfigureAwait(false);
    }

    private async Task ExpireLotsAsync(LedgerTx tx)
    {
        var lots = await tx.QueryAsync(
            "SELECT entry_id, rrr_member_id, remaining FROM ledger_entries WHERE status = 'POSTED' AND remaining > 0 AND expires_at <= $now ORDER BY expires_at, seq;",
            r => (Id: r.GetString(0), Member: r.GetString(1), Remaining: r.GetInt64(2)), ("$now", tx.NowMs)).ConfigureAwait(false);
        foreach (var lot in lots)
        {
            await tx.ExecAsync("UPDATE ledger_entries SET remaining = 0 WHERE entry_id = $id;", ("$id", lot.Id)).ConfigureAwait(false);
            // Never expire points that are not there (e.g. held in escrow right now): the balance stays ≥ 0.
            var points = Math.Min(lot.Remaining, Math.Max(0, await AvailableAsync(tx, lot.Member).ConfigureAwait(false)));
            if (points == 0)
            {
                continue;
            }

            var entryId = await AddEntryAsync(tx, lot.Member, "EXPIRY", -points, lot.Id).ConfigureAwait(false);
            var data = WalletEvent(lot.Member, await tx.BumpWalletAsync(lot.Member).ConfigureAwait(false));
            data["status"] = "EXPIRED";
            data["points"] = -points;
            data["entry_id"] = entryId;
            tx.Publish("POINTS_REVERSED", data);
        }
    }

    internal static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
