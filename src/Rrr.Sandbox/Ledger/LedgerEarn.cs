namespace Rrr.Sandbox.Ledger;

internal sealed record EarnRequest(
    string XcnUserId, string OrderNumber, string Product, decimal Amount, string Currency, string PostingMode, long? ExpectedPoints,
    string? MembershipPlan = null, string? Tier = null);

internal sealed record EarnResult(string EarnEventId, string RrrMemberId, long Points, string Status, DateTimeOffset AvailableAt);

internal sealed record EarnReversal(string EarnEventId, string ReversalEntryId, long PointsReversed, string Status);

/// <summary>
/// Earn events (posted or pending, one per order and product) and their reversal. A membership earn with a tier makes
/// it the member's tier (the latest such earn wins); a reversal leaves the tier as it is.
/// </summary>
internal sealed class LedgerEarn(LedgerBook book, LedgerRules rules)
{
    public Task<EarnResult> EarnAsync(EarnRequest request, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            var memberId = await LedgerBook.LinkedMemberAsync(tx, request.XcnUserId).ConfigureAwait(false)
                ?? throw new LedgerProblem(422, "not_linked", "The XCN user has not linked an RRR account.");
            var existing = await tx.SingleAsync(
                "SELECT earn_event_id FROM earn_events WHERE order_number = $o AND product = $p;", r => r.GetString(0),
                ("$o", request.OrderNumber), ("$p", request.Product)).ConfigureAwait(false);
            if (existing is not null)
            {
                throw new LedgerProblem(409, "duplicate_order", "This order already earned points.", new Dictionary<string, object?> { ["earn_event_id"] = existing });
            }

            var points = (long)decimal.Floor(request.Amount) * rules.EarnPointsPerUnit[request.Product];
            var pending = request.PostingMode == "PENDING";
            var availableAt = pending ? tx.Now + rules.PendingHold : tx.Now;
            var status = pending ? "PENDING" : "POSTED";
            var earnId = LedgerDatabase.NewId("ee_");
            var entryId = await book.AddEntryAsync(tx, memberId, "EARN", points, request.OrderNumber, status, availableAt, lot: true).ConfigureAwait(false);
            await tx.ExecAsync(
                """
                INSERT INTO earn_events (earn_event_id, rrr_member_id, xcn_user_id, order_number, product, points, expected_points, status, entry_id, available_at, created_at)
                VALUES ($id, $m, $x, $o, $p, $points, $expected, $status, $entry, $available, $now);
                """,
                ("$id", earnId), ("$m", memberId), ("$x", request.XcnUserId), ("$o", request.OrderNumber), ("$p", request.Product), ("$points", points),
                ("$expected", request.ExpectedPoints), ("$status", status), ("$entry", entryId), ("$available", availableAt.ToUnixTimeMilliseconds()),
                ("$now", tx.NowMs)).ConfigureAwait(false);
            if (request.Tier is { } tier)
            {
                // In the same transaction as the earn, whose wallet version bump below covers the tier change too.
                await tx.ExecAsync(
                    """
                    INSERT INTO member_tiers (rrr_member_id, tier, membership_plan, earn_event_id, updated_at) VALUES ($m, $tier, $plan, $id, $now)
                    ON CONFLICT (rrr_member_id) DO UPDATE SET tier = $tier, membership_plan = $plan, earn_event_id = $id, updated_at = $now;
                    """,
                    ("$m", memberId), ("$tier", tier), ("$plan", request.MembershipPlan), ("$id", earnId), ("$now", tx.NowMs)).ConfigureAwait(false);
            }

            // A pending earn changes the wallet too (pending_points): the member's panel hears of it now, and
            // again with status POSTED when the hold ends (ApplyDueAsync).
            await LedgerBook.PublishWalletChangeAsync(tx, "POINTS_POSTED", memberId, status, points, entryId,
                ("earn_event_id", earnId), ("order_number", request.OrderNumber)).ConfigureAwait(false);

            return new EarnResult(earnId, memberId, points, status, availableAt);
        }, cancellationToken);

    public Task<EarnReversal> ReverseEarnAsync(string earnEventId, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            var earn = await tx.RowAsync(
                "SELECT rrr_member_id, points, status, entry_id, available_at, order_number FROM earn_events WHERE earn_event_id = $id;",
                r => (Member: r.GetString(0), Points: r.GetInt64(1), Status: r.GetString(2), Entry: r.GetString(3), AvailableAt: r.GetInt64(4), Order: r.GetString(5)),
                ("$id", earnEventId)).ConfigureAwait(false) ?? throw LedgerProblem.NotFound("The earn event");
            if (earn.Status == "REVERSED")
            {
                throw new LedgerProblem(409, "already_reversed", "This earn event was already reversed.");
            }

            string reversalId;
            if (earn.Status == "PENDING")
            {
                // Not posted yet: the reversal waits with it, so both post together and cancel out.
                reversalId = await book.AddEntryAsync(tx, earn.Member, "EARN_REVERSAL", -earn.Points, earn.Order, "PENDING", Times.FromMs(earn.AvailableAt))
                    .ConfigureAwait(false);
                await tx.ExecAsync("UPDATE ledger_entries SET remaining = 0 WHERE entry_id = $e;", ("$e", earn.Entry)).ConfigureAwait(false);
            }
            else
            {
                reversalId = await book.AddEntryAsync(tx, earn.Member, "EARN_REVERSAL", -earn.Points, earn.Order).ConfigureAwait(false);
                await LedgerBook.ConsumeLotsAsync(tx, earn.Member, earn.Points, earn.Entry).ConfigureAwait(false);
            }

            await tx.ExecAsync(
                "UPDATE earn_events SET status = 'REVERSED', reversal_entry_id = $r WHERE earn_event_id = $id;", ("$r", reversalId), ("$id", earnEventId))
                .ConfigureAwait(false);
            await LedgerBook.PublishWalletChangeAsync(tx, "POINTS_REVERSED", earn.Member, "REVERSED", -earn.Points, reversalId,
                ("earn_event_id", earnEventId), ("order_number", earn.Order)).ConfigureAwait(false);
            return new EarnReversal(earnEventId, reversalId, earn.Points, "REVERSED");
        }, cancellationToken);
}
