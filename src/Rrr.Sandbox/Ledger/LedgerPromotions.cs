namespace Rrr.Sandbox.Ledger;

internal sealed record PromotionApproval(string ApproverId, string ApproverRole, string Decision, string? Reason, DateTimeOffset DecidedAt, long PromotionVersion);

internal sealed record Promotion(
    string PromotionId, string Name, string Kind, decimal Value, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Audience,
    long BudgetCapPoints, string Status, string CreatedBy, long Version, IReadOnlyList<PromotionApproval> Approvals,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The version the current approval round started at; decisions before it no longer count.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long Round { get; init; }
}

/// <summary>Promotion fields; on PATCH a null field keeps its value.</summary>
internal sealed record PromotionFields(
    string? Name, string? Kind, decimal? Value, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Audience, long? BudgetCapPoints);

internal sealed record ApprovalDecision(string ApproverId, string ApproverRole, string Verdict, string? Reason);

/// <summary>Promotions: drafts, edits that start a new approval round, decisions, and the end of active ones.</summary>
internal sealed class LedgerPromotions(LedgerDatabase db, LedgerBook book)
{
    public static readonly string[] PromotionKinds = ["MULTIPLIER", "BONUS_POINTS"];
    public static readonly string[] Audiences = ["ALL_MEMBERS", "NEW_MEMBERS", "MODELS"];

    public Task<Promotion> CreatePromotionAsync(PromotionFields fields, string createdBy, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            var id = LedgerDatabase.NewId("promo_");
            await tx.ExecAsync(
                """
                INSERT INTO promotions (promotion_id, name, kind, value, starts_at, ends_at, audience, budget_cap_points, status, created_by, version, round_version, created_at, updated_at)
                VALUES ($id, $name, $kind, $value, $starts, $ends, $audience, $cap, 'DRAFT', $by, 1, 1, $now, $now);
                """,
                ("$id", id), ("$name", fields.Name), ("$kind", fields.Kind), ("$value", fields.Value!.Value.ToString(CultureInfo.InvariantCulture)),
                ("$starts", fields.StartsAt!.Value.ToUnixTimeMilliseconds()), ("$ends", fields.EndsAt!.Value.ToUnixTimeMilliseconds()),
                ("$audience", fields.Audience), ("$cap", fields.BudgetCapPoints), ("$by", createdBy), ("$now", tx.NowMs)).ConfigureAwait(false);
            return await LoadPromotionAsync(tx, id).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Edits a DRAFT or REJECTED promotion: back to DRAFT and a new approval round (earlier decisions no longer count).</summary>
    public Task<Promotion> UpdatePromotionAsync(string id, PromotionFields fields, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            var current = await LoadPromotionAsync(tx, id).ConfigureAwait(false);
            if (current.Status is not ("DRAFT" or "REJECTED"))
            {
                throw LedgerProblem.InvalidState("Only a DRAFT or REJECTED promotion can be edited.");
            }

            var startsAt = fields.StartsAt ?? current.StartsAt;
            var endsAt = fields.EndsAt ?? current.EndsAt;
            if (endsAt <= startsAt)
            {
                throw LedgerProblem.Validation("ends_at", "ends_at must be after starts_at.");
            }

            await tx.ExecAsync(
                """
                UPDATE promotions SET name = $name, kind = $kind, value = $value, starts_at = $starts, ends_at = $ends, audience = $audience,
                    budget_cap_points = $cap, status = 'DRAFT', version = version + 1, round_version = version + 1, updated_at = $now
                WHERE promotion_id = $id;
                """,
                ("$id", id), ("$name", fields.Name ?? current.Name), ("$kind", fields.Kind ?? current.Kind),
                ("$value", (fields.Value ?? current.Value).ToString(CultureInfo.InvariantCulture)), ("$starts", startsAt.ToUnixTimeMilliseconds()),
                ("$ends", endsAt.ToUnixTimeMilliseconds()), ("$audience", fields.Audience ?? current.Audience),
                ("$cap", fields.BudgetCapPoints ?? current.BudgetCapPoints), ("$now", tx.NowMs)).ConfigureAwait(false);
            var updated = await LoadPromotionAsync(tx, id).ConfigureAwait(false);
            if (current.Status != updated.Status)
            {
                tx.Publish("PROMOTION_STATUS_CHANGED", PromotionEvent(updated));
            }

            return updated;
        }, cancellationToken);

    public Task<Promotion> SubmitPromotionAsync(string id, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            var current = await LoadPromotionAsync(tx, id).ConfigureAwait(false);
            if (current.Status != "DRAFT")
            {
                throw LedgerProblem.InvalidState("Only a DRAFT promotion can be submitted.");
            }

            return await SetPromotionStatusAsync(tx, id, "PENDING_APPROVAL").ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Records one immutable decision. The creator cannot decide; a person decides once per version; any
    /// REJECT rejects; two distinct XCN admins plus one RRR admin approving makes it ACTIVE.
    /// </summary>
    public Task<Promotion> DecidePromotionAsync(string id, ApprovalDecision decision, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            var current = await LoadPromotionAsync(tx, id).ConfigureAwait(false);
            if (current.Status != "PENDING_APPROVAL")
            {
                throw LedgerProblem.InvalidState("The promotion is not waiting for approval.");
            }

            if (string.Equals(decision.ApproverId, current.CreatedBy, StringComparison.Ordinal))
            {
                throw new LedgerProblem(422, "approval_not_allowed", "The creator of a promotion cannot approve or reject it.");
            }

            if (current.Approvals.Any(a => string.Equals(a.ApproverId, decision.ApproverId, StringComparison.Ordinal)))
            {
                throw new LedgerProblem(409, "already_decided", "This approver already decided on this version of the promotion.");
            }

            await tx.ExecAsync(
                """
                INSERT INTO promotion_approvals (promotion_id, approver_id, approver_role, decision, reason, decided_at, promotion_version)
                VALUES ($id, $who, $role, $decision, $reason, $now, $version);
                """,
                ("$id", id), ("$who", decision.ApproverId), ("$role", decision.ApproverRole), ("$decision", decision.Verdict), ("$reason", decision.Reason),
                ("$now", tx.NowMs), ("$version", current.Version)).ConfigureAwait(false);
            // Every change of the resource (an approval included) raises its version, so webhook consumers can order them.
            await tx.ExecAsync("UPDATE promotions SET version = version + 1, updated_at = $now WHERE promotion_id = $id;", ("$now", tx.NowMs), ("$id", id))
                .ConfigureAwait(false);
            var approvals = current.Approvals.Append(new PromotionApproval(decision.ApproverId, decision.ApproverRole, decision.Verdict, decision.Reason, tx.Now, current.Version)).ToList();
            string? next = null;
            if (decision.Verdict == "REJECT")
            {
                next = "REJECTED";
            }
            else if (Distinct(approvals, "XCN_ADMIN") >= 2 && Distinct(approvals, "RRR_ADMIN") >= 1)
            {
                next = "ACTIVE";
            }

            return next is null
                ? await LoadPromotionAsync(tx, id).ConfigureAwait(false)
                : await SetPromotionStatusAsync(tx, id, next).ConfigureAwait(false);
        }, cancellationToken);

    public async Task<Promotion> GetPromotionAsync(string id, CancellationToken cancellationToken)
    {
        await book.RunDueWorkAsync(cancellationToken).ConfigureAwait(false);
        return await db.ReadAsync(tx => LoadPromotionAsync(tx, id), cancellationToken).ConfigureAwait(false);
    }

    public async Task<List<Promotion>> ListPromotionsAsync(string? status, CancellationToken cancellationToken)
    {
        await book.RunDueWorkAsync(cancellationToken).ConfigureAwait(false);
        return await db.ReadAsync(
            tx => LedgerBook.LoadEachAsync(
                tx, "SELECT promotion_id FROM promotions WHERE $s IS NULL OR status = $s ORDER BY created_at DESC, rowid DESC LIMIT 200;", status, LoadPromotionAsync),
            cancellationToken).ConfigureAwait(false);
    }

    private static int Distinct(IEnumerable<PromotionApproval> approvals, string role) =>
        approvals.Where(a => a.Decision == "APPROVE" && a.ApproverRole == role).Select(a => a.ApproverId).Distinct(StringComparer.Ordinal).Count();

    private static async Task<Promotion> SetPromotionStatusAsync(LedgerTx tx, string id, string status)
    {
        await tx.ExecAsync(
            "UPDATE promotions SET status = $s, version = version + 1, updated_at = $now WHERE promotion_id = $id;", ("$s", status), ("$now", tx.NowMs), ("$id", id)).ConfigureAwait(false);
        var promotion = await LoadPromotionAsync(tx, id).ConfigureAwait(false);
        tx.Publish("PROMOTION_STATUS_CHANGED", PromotionEvent(promotion));
        return promotion;
    }

    internal static async Task EndPromotionsAsync(LedgerTx tx)
    {
        var ended = await tx.QueryAsync(
            "SELECT promotion_id FROM promotions WHERE status = 'ACTIVE' AND ends_at <= $now;", r => r.GetString(0), ("$now", tx.NowMs)).ConfigureAwait(false);
        foreach (var id in ended)
        {
            await SetPromotionStatusAsync(tx, id, "ENDED").ConfigureAwait(false);
        }
    }

    /// <summary>The promotion with the decisions of its current approval round (earlier rounds stay stored, unshown).</summary>
    private static async Task<Promotion> LoadPromotionAsync(LedgerTx tx, string id)
    {
        var row = await tx.SingleAsync(
            """
            SELECT promotion_id, name, kind, value, starts_at, ends_at, audience, budget_cap_points, status, created_by, version, created_at, updated_at,
                   round_version
            FROM promotions WHERE promotion_id = $id;
            """,
            r => new Promotion(
                r.GetString(0), r.GetString(1), r.GetString(2), decimal.Parse(r.GetString(3), CultureInfo.InvariantCulture), Times.FromMs(r.GetInt64(4)),
                Times.FromMs(r.GetInt64(5)), r.GetString(6), r.GetInt64(7), r.GetString(8), r.GetString(9), r.GetInt64(10), [],
                Times.FromMs(r.GetInt64(11)), Times.FromMs(r.GetInt64(12))) { Round = r.GetInt64(13) },
            ("$id", id)).ConfigureAwait(false) ?? throw LedgerProblem.NotFound("The promotion");
        var approvals = await tx.QueryAsync(
            """
            SELECT approver_id, approver_role, decision, reason, decided_at, promotion_version FROM promotion_approvals
            WHERE promotion_id = $id AND promotion_version >= $v ORDER BY id;
            """,
            r => new PromotionApproval(r.GetString(0), r.GetString(1), r.GetString(2), LedgerBook.NullableString(r, 3), Times.FromMs(r.GetInt64(4)), r.GetInt64(5)),
            ("$id", id), ("$v", row.Round)).ConfigureAwait(false);
        return row with { Approvals = approvals };
    }

    private static Dictionary<string, object?> PromotionEvent(Promotion promotion) => new(StringComparer.Ordinal)
    {
        ["resource_type"] = "promotion",
        ["resource_id"] = promotion.PromotionId,
        ["version"] = promotion.Version,
        ["promotion_id"] = promotion.PromotionId,
        ["status"] = promotion.Status,
    };
}
