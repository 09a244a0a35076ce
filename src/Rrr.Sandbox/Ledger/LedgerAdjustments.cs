namespace Rrr.Sandbox.Ledger;

internal sealed record XcnApproval(string ApproverId, DateTimeOffset? ApprovedAt);

internal sealed record RrrApproval(string ApproverId, string Decision, string? Reason, DateTimeOffset DecidedAt);

internal sealed record AdjustmentRequest(
    string RrrMemberId, long Points, string ReasonCode, string TicketId, string RequestedBy, IReadOnlyList<XcnApproval> XcnApprovals);

internal sealed record Adjustment(
    string AdjustmentId, string RrrMemberId, long Points, string ReasonCode, string TicketId, string RequestedBy, string Status,
    int RequiredXcnApprovals, bool RequiresRrrApproval, IReadOnlyList<XcnApproval> XcnApprovals, RrrApproval? RrrApproval,
    DateTimeOffset CreatedAt, long Version);

/// <summary>Adjustments: RRR's approval thresholds, the RRR admin's decision, and the posting.</summary>
internal sealed class LedgerAdjustments(LedgerDatabase db, LedgerBook book)
{
    public static readonly string[] ReasonCodes = ["GOODWILL", "SERVICE_RECOVERY", "CORRECTION", "FRAUD_REVERSAL", "PROMOTION_MAKEGOOD"];

    /// <summary>RRR's own count of the thresholds: ≤100 → 1 XCN approver, 101–500 → 2, >500 → 2 plus an RRR admin.</summary>
    public static (int Xcn, bool Rrr) RequiredApprovals(long points) => Math.Abs(points) switch
    {
        <= 100 => (1, false),
        <= 500 => (2, false),
        _ => (2, true),
    };

    public Task<Adjustment> CreateAdjustmentAsync(AdjustmentRequest request, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            await LedgerBook.RequireMemberAsync(tx, request.RrrMemberId).ConfigureAwait(false);
            if (request.XcnApprovals.Any(a => string.Equals(a.ApproverId, request.RequestedBy, StringComparison.Ordinal)))
            {
                throw new LedgerProblem(422, "approval_not_allowed", "The requester cannot approve their own adjustment.");
            }

            var (xcn, rrr) = RequiredApprovals(request.Points);
            var distinct = request.XcnApprovals.Select(a => a.ApproverId).Distinct(StringComparer.Ordinal).Count();
            if (distinct < xcn)
            {
                throw new LedgerProblem(422, "approval_quorum_not_met", $"This adjustment needs {xcn} distinct XCN approvers; {distinct} approved.",
                    new Dictionary<string, object?> { ["required_xcn_approvals"] = (long)xcn, ["distinct_xcn_approvals"] = (long)distinct });
            }

            await RequireNoOverdraftAsync(tx, request.RrrMemberId, request.Points).ConfigureAwait(false);
            var id = LedgerDatabase.NewId("adj_");
            await tx.ExecAsync(
                """
                INSERT INTO adjustments (adjustment_id, rrr_member_id, points, reason_code, ticket_id, requested_by, status, required_xcn_approvals, requires_rrr_approval, created_at, version)
                VALUES ($id, $m, $p, $reason, $ticket, $by, $status, $xcn, $rrr, $now, 1);
                """,
                ("$id", id), ("$m", request.RrrMemberId), ("$p", request.Points), ("$reason", request.ReasonCode), ("$ticket", request.TicketId),
                ("$by", request.RequestedBy), ("$status", rrr ? "PENDING_RRR_APPROVAL" : "POSTED"), ("$xcn", xcn), ("$rrr", rrr ? 1 : 0), ("$now", tx.NowMs))
                .ConfigureAwait(false);
            foreach (var approval in request.XcnApprovals)
            {
                await tx.ExecAsync(
                    "INSERT INTO adjustment_approvals (adjustment_id, approver_id, approver_role, decision, decided_at) VALUES ($id, $who, 'XCN_ADMIN', 'APPROVE', $at);",
                    ("$id", id), ("$who", approval.ApproverId), ("$at", (approval.ApprovedAt ?? tx.Now).ToUnixTimeMilliseconds())).ConfigureAwait(false);
            }

            if (!rrr)
            {
                await PostAdjustmentAsync(tx, id, request.RrrMemberId, request.Points, request.ReasonCode).ConfigureAwait(false);
            }

            var adjustment = await LoadAdjustmentAsync(tx, id).ConfigureAwait(false);
            tx.Publish("ADJUSTMENT_STATUS_CHANGED", AdjustmentEvent(adjustment));
            return adjustment;
        }, cancellationToken);

    public Task<Adjustment> DecideAdjustmentAsync(string id, ApprovalDecision decision, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            var current = await LoadAdjustmentAsync(tx, id).ConfigureAwait(false);
            if (current.Status != "PENDING_RRR_APPROVAL")
            {
                throw LedgerProblem.InvalidState("The adjustment is not waiting for an RRR approval.");
            }

            if (string.Equals(decision.ApproverId, current.RequestedBy, StringComparison.Ordinal)
                || current.XcnApprovals.Any(a => string.Equals(a.ApproverId, decision.ApproverId, StringComparison.Ordinal)))
            {
                throw new LedgerProblem(422, "approval_not_allowed", "The requester or an XCN approver cannot also give the RRR approval.");
            }

            var approve = decision.Verdict == "APPROVE";
            if (approve)
            {
                await RequireNoOverdraftAsync(tx, current.RrrMemberId, current.Points).ConfigureAwait(false);
            }

            await tx.ExecAsync(
                "INSERT INTO adjustment_approvals (adjustment_id, approver_id, approver_role, decision, reason, decided_at) VALUES ($id, $who, 'RRR_ADMIN', $d, $reason, $now);",
                ("$id", id), ("$who", decision.ApproverId), ("$d", decision.Verdict), ("$reason", decision.Reason), ("$now", tx.NowMs)).ConfigureAwait(false);
            await tx.ExecAsync(
                "UPDATE adjustments SET status = $s, version = version + 1 WHERE adjustment_id = $id;", ("$s", approve ? "POSTED" : "REJECTED"), ("$id", id))
                .ConfigureAwait(false);
            if (approve)
            {
                await PostAdjustmentAsync(tx, id, current.RrrMemberId, current.Points, current.ReasonCode).ConfigureAwait(false);
            }

            var adjustment = await LoadAdjustmentAsync(tx, id).ConfigureAwait(false);
            tx.Publish("ADJUSTMENT_STATUS_CHANGED", AdjustmentEvent(adjustment));
            return adjustment;
        }, cancellationToken);

    public Task<Adjustment> GetAdjustmentAsync(string id, CancellationToken cancellationToken) =>
        db.ReadAsync(tx => LoadAdjustmentAsync(tx, id), cancellationToken);

    public Task<List<Adjustment>> ListAdjustmentsAsync(string? status, CancellationToken cancellationToken) =>
        db.ReadAsync(
            tx => LedgerBook.LoadEachAsync(
                tx, "SELECT adjustment_id FROM adjustments WHERE $s IS NULL OR status = $s ORDER BY created_at DESC, rowid DESC LIMIT 200;", status, LoadAdjustmentAsync),
            cancellationToken);

    private static async Task RequireNoOverdraftAsync(LedgerTx tx, string memberId, long points)
    {
        if (points < 0 && await LedgerBook.AvailableAsync(tx, memberId).ConfigureAwait(false) + points < 0)
        {
            throw new LedgerProblem(422, "insufficient_points", "The debit would take the balance below zero.");
        }
    }

    private async Task PostAdjustmentAsync(LedgerTx tx, string id, string memberId, long points, string reasonCode)
    {
        var entryId = await book.AddEntryAsync(tx, memberId, "ADJUSTMENT", points, id, lot: points > 0).ConfigureAwait(false);
        if (points < 0)
        {
            await LedgerBook.ConsumeLotsAsync(tx, memberId, -points).ConfigureAwait(false);
        }

        await tx.ExecAsync("UPDATE adjustments SET entry_id = $e WHERE adjustment_id = $id;", ("$e", entryId), ("$id", id)).ConfigureAwait(false);
        await LedgerBook.PublishWalletChangeAsync(tx, points > 0 ? "POINTS_POSTED" : "POINTS_REVERSED", memberId, "POSTED", points, entryId,
            ("adjustment_id", id), ("reason_code", reasonCode)).ConfigureAwait(false);
    }

    private static async Task<Adjustment> LoadAdjustmentAsync(LedgerTx tx, string id)
    {
        var row = await tx.SingleAsync(
            """
            SELECT adjustment_id, rrr_member_id, points, reason_code, ticket_id, requested_by, status, required_xcn_approvals, requires_rrr_approval, created_at, version
            FROM adjustments WHERE adjustment_id = $id;
            """,
            r => new Adjustment(
                r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetInt32(7), r.GetInt64(8) != 0,
                [], null, Times.FromMs(r.GetInt64(9)), r.GetInt64(10)),
            ("$id", id)).ConfigureAwait(false) ?? throw LedgerProblem.NotFound("The adjustment");
        var approvals = await tx.QueryAsync(
            "SELECT approver_id, approver_role, decision, reason, decided_at FROM adjustment_approvals WHERE adjustment_id = $id ORDER BY id;",
            r => (Id: r.GetString(0), Role: r.GetString(1), Decision: r.GetString(2), Reason: LedgerBook.NullableString(r, 3), At: Times.FromMs(r.GetInt64(4))), ("$id", id))
            .ConfigureAwait(false);
        var rrr = approvals.Where(a => a.Role == "RRR_ADMIN").Select(a => new RrrApproval(a.Id, a.Decision, a.Reason, a.At)).FirstOrDefault();
        return row with
        {
            XcnApprovals = approvals.Where(a => a.Role == "XCN_ADMIN").Select(a => new XcnApproval(a.Id, a.At)).ToList(),
            RrrApproval = rrr,
        };
    }

    private static Dictionary<string, object?> AdjustmentEvent(Adjustment adjustment) => new(StringComparer.Ordinal)
    {
        ["resource_type"] = "adjustment",
        ["resource_id"] = adjustment.AdjustmentId,
        ["version"] = adjustment.Version,
        ["adjustment_id"] = adjustment.AdjustmentId,
        ["rrr_member_id"] = adjustment.RrrMemberId,
        ["status"] = adjustment.Status,
        ["points"] = adjustment.Points,
        ["reason_code"] = adjustment.ReasonCode,
    };
}
