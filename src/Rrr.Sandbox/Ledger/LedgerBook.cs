namespace Rrr.Sandbox.Ledger;

/// <summary>
/// What every part of the sandbox's RRR ledger shares: members, entries and their lots, the wallet they add up to,
/// and the due work. The ledger is one class per area (<see cref="LedgerLinks"/>, <see cref="LedgerWallet"/>,
/// <see cref="LedgerPromotions"/>, …) over the one <see cref="LedgerDatabase"/>; every operation is one
/// <see cref="LedgerDatabase.WriteAsync{T}"/> transaction that first applies whatever the sandbox clock made due,
/// so nothing depends on a timer.
/// </summary>
internal sealed class LedgerBook(LedgerDatabase db, LedgerRules rules)
{
    public DateTimeOffset Now => db.Clock.GetUtcNow();

    /// <summary>One ledger operation: a write transaction that first applies whatever the sandbox clock made due.</summary>
    public Task<T> WriteAsync<T>(Func<LedgerTx, Task<T>> work, CancellationToken cancellationToken) =>
        db.WriteAsync(async tx =>
        {
            await ApplyDueAsync(tx).ConfigureAwait(false);
            return await work(tx).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Applies due work in its own transaction; reads call it first so they never show stale state.</summary>
    public Task RunDueWorkAsync(CancellationToken cancellationToken) => WriteAsync(_ => Task.FromResult(true), cancellationToken);

    /// <returns>The member's wallet version; 404 not_found when there is no such member.</returns>
    internal static async Task<long> RequireMemberAsync(LedgerTx tx, string? memberId)
    {
        var rows = await tx.QueryAsync("SELECT wallet_version FROM members WHERE rrr_member_id = $m;", r => r.GetInt64(0), ("$m", memberId ?? ""))
            .ConfigureAwait(false);
        return rows.Count == 0 ? throw LedgerProblem.NotFound("The RRR member") : rows[0];
    }

    internal async Task<WalletView> WalletAsync(LedgerTx tx, string memberId, long version)
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
        var tier = await tx.SingleAsync("SELECT tier FROM member_tiers WHERE rrr_member_id = $m;", r => r.GetString(0), ("$m", memberId)).ConfigureAwait(false);
        return new WalletView(memberId, available, pending, escrow, expiring, tx.Now, version, tier);
    }

    /// <returns>The member the XCN user is linked to, or null.</returns>
    internal static Task<string?> LinkedMemberAsync(LedgerTx tx, string xcnUserId) =>
        tx.SingleAsync("SELECT rrr_member_id FROM links WHERE xcn_user_id = $x AND status = 'LINKED';", r => r.GetString(0), ("$x", xcnUserId));

    internal static Task<long> AvailableAsync(LedgerTx tx, string memberId) =>
        tx.LongAsync("SELECT COALESCE(SUM(points), 0) FROM ledger_entries WHERE rrr_member_id = $m AND status = 'POSTED';", ("$m", memberId));

    /// <summary>Writes one entry. Credits with <paramref name="lot"/> become lots that expire.</summary>
    internal async Task<string> AddEntryAsync(
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
    internal static async Task ConsumeLotsAsync(LedgerTx tx, string memberId, long points, string? preferEntryId = null)
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

    internal static Dictionary<string, object?> WalletEvent(string memberId, long version) => new(StringComparer.Ordinal)
    {
        ["resource_type"] = "wallet",
        ["resource_id"] = memberId,
        ["version"] = version,
        ["rrr_member_id"] = memberId,
    };

    /// <summary>
    /// Raises the member's wallet version and queues the event that says so: the wallet's envelope, then status,
    /// points and entry, then <paramref name="more"/> in the order given (the order of the event's JSON).
    /// </summary>
    internal static async Task PublishWalletChangeAsync(
        LedgerTx tx, string eventType, string memberId, string status, long points, string entryId, params (string Name, object? Value)[] more)
    {
        var data = WalletEvent(memberId, await tx.BumpWalletAsync(memberId).ConfigureAwait(false));
        data["status"] = status;
        data["points"] = points;
        data["entry_id"] = entryId;
        foreach (var (name, value) in more)
        {
            data[name] = value;
        }

        tx.Publish(eventType, data);
    }

    // ---- due work ---------------------------------------------------------------------------------------

    /// <summary>Everything the sandbox clock made due: pending releases, quote and intent expiry, promotion end, lot expiry.</summary>
    internal async Task ApplyDueAsync(LedgerTx tx)
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

            await PublishWalletChangeAsync(tx, entry.Type == "EARN_REVERSAL" ? "POINTS_REVERSED" : "POINTS_POSTED", entry.Member, "POSTED", entry.Points, entry.Id,
                ("earn_event_id", earn?[0]), ("order_number", earn?[1])).ConfigureAwait(false);
        }

        var quotes = await tx.QueryAsync(
            "SELECT quote_id, rrr_member_id, points FROM redemption_quotes WHERE status = 'HELD' AND expires_at <= $now;",
            r => (Id: r.GetString(0), Member: r.GetString(1), Points: r.GetInt64(2)), ("$now", now)).ConfigureAwait(false);
        foreach (var quote in quotes)
        {
            await tx.ExecAsync("UPDATE redemption_quotes SET status = 'EXPIRED' WHERE quote_id = $q;", ("$q", quote.Id)).ConfigureAwait(false);
            var entryId = await AddEntryAsync(tx, quote.Member, "REDEMPTION_RELEASE", quote.Points, quote.Id).ConfigureAwait(false);
            await PublishWalletChangeAsync(tx, "REDEMPTION_REVERSED", quote.Member, "EXPIRED", quote.Points, entryId,
                ("quote_id", quote.Id)).ConfigureAwait(false);
        }

        await tx.ExecAsync("UPDATE topup_quotes SET status = 'EXPIRED' WHERE status = 'OPEN' AND expires_at <= $now;", ("$now", now)).ConfigureAwait(false);
        await tx.ExecAsync("UPDATE award_intents SET status = 'EXPIRED' WHERE status = 'OPEN' AND expires_at <= $now;", ("$now", now)).ConfigureAwait(false);
        await LedgerPromotions.EndPromotionsAsync(tx).ConfigureAwait(false);
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
            await PublishWalletChangeAsync(tx, "POINTS_REVERSED", lot.Member, "EXPIRED", -points, entryId).ConfigureAwait(false);
        }
    }

    /// <summary>The ids <paramref name="idsSql"/> selects (its <c>$s</c> is the status filter, null for all), each loaded in that order.</summary>
    internal static async Task<List<T>> LoadEachAsync<T>(LedgerTx tx, string idsSql, string? status, Func<LedgerTx, string, Task<T>> load)
    {
        var ids = await tx.QueryAsync(idsSql, r => r.GetString(0), ("$s", status)).ConfigureAwait(false);
        var items = new List<T>(ids.Count);
        foreach (var id in ids)
        {
            items.Add(await load(tx, id).ConfigureAwait(false));
        }

        return items;
    }

    internal static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
