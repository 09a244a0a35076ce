namespace Rrr.Sandbox.Ledger;

internal sealed record AwardIntentRequest(string ModelMemberId, string ViewerXcnUserId, long Points, string? RoomId, string? StreamId);

internal sealed record AwardIntent(string AwardIntentId, string ViewerMemberId, long Points, DateTimeOffset ExpiresAt);

internal sealed record AwardCommitted(string AwardId, string AwardIntentId, long Points, string Status, DateTimeOffset CommittedAt);

internal sealed record AwardSummary(string AwardIntentId, string? AwardId, string ViewerMemberId, long Points, string Status, DateTimeOffset CreatedAt);

/// <summary>Model awards: an intent that checks the viewer's link and the model's balance, then one transfer.</summary>
internal sealed class LedgerAwards(LedgerDatabase db, LedgerBook book, LedgerRules rules)
{
    private const string ViewerNotLinked = "This viewer has not linked a RedRoomRewards account yet, so they cannot receive points.";

    public Task<AwardIntent> CreateAwardIntentAsync(AwardIntentRequest request, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            await LedgerBook.RequireMemberAsync(tx, request.ModelMemberId).ConfigureAwait(false);
            var viewer = await LedgerBook.LinkedMemberAsync(tx, request.ViewerXcnUserId).ConfigureAwait(false)
                ?? throw new LedgerProblem(422, "not_linked", ViewerNotLinked);
            if (viewer == request.ModelMemberId)
            {
                throw LedgerProblem.Validation("viewer_xcn_user_id", "A model cannot award points to their own account.");
            }

            await RequireBalanceAsync(tx, request.ModelMemberId, request.Points).ConfigureAwait(false);
            var intent = new AwardIntent(LedgerDatabase.NewId("ai_"), viewer, request.Points, tx.Now + rules.AwardIntentLifetime);
            await tx.ExecAsync(
                """
                INSERT INTO award_intents (award_intent_id, model_member_id, viewer_member_id, viewer_xcn_user_id, points, room_id, stream_id, status, created_at, expires_at)
                VALUES ($id, $model, $viewer, $x, $p, $room, $stream, 'OPEN', $now, $exp);
                """,
                ("$id", intent.AwardIntentId), ("$model", request.ModelMemberId), ("$viewer", viewer), ("$x", request.ViewerXcnUserId), ("$p", request.Points),
                ("$room", request.RoomId), ("$stream", request.StreamId), ("$now", tx.NowMs), ("$exp", intent.ExpiresAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
            return intent;
        }, cancellationToken);

    /// <summary>Debits the model and credits the viewer in one transaction: both entries or neither.</summary>
    public Task<AwardCommitted> CommitAwardAsync(string awardIntentId, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            var intent = await tx.RowAsync(
                "SELECT model_member_id, viewer_member_id, viewer_xcn_user_id, points, status FROM award_intents WHERE award_intent_id = $id;",
                r => (Model: r.GetString(0), Viewer: r.GetString(1), ViewerXcn: r.GetString(2), Points: r.GetInt64(3), Status: r.GetString(4)),
                ("$id", awardIntentId)).ConfigureAwait(false) ?? throw LedgerProblem.NotFound("The award intent");
            switch (intent.Status)
            {
                case "EXPIRED":
                    throw new LedgerProblem(422, "intent_expired", "The award intent has expired.");
                case not "OPEN":
                    throw LedgerProblem.InvalidState("The award was already committed.");
            }

            if (await LedgerBook.LinkedMemberAsync(tx, intent.ViewerXcn).ConfigureAwait(false) != intent.Viewer)
            {
                throw new LedgerProblem(422, "not_linked", ViewerNotLinked);
            }

            await RequireBalanceAsync(tx, intent.Model, intent.Points).ConfigureAwait(false);
            var awardId = LedgerDatabase.NewId("aw_");
            await tx.ExecAsync(
                "UPDATE award_intents SET status = 'COMMITTED', award_id = $a, committed_at = $now WHERE award_intent_id = $id;",
                ("$a", awardId), ("$now", tx.NowMs), ("$id", awardIntentId)).ConfigureAwait(false);
            var debit = await book.AddEntryAsync(tx, intent.Model, "AWARD_DEBIT", -intent.Points, awardId).ConfigureAwait(false);
            await LedgerBook.ConsumeLotsAsync(tx, intent.Model, intent.Points).ConfigureAwait(false);
            var credit = await book.AddEntryAsync(tx, intent.Viewer, "AWARD_CREDIT", intent.Points, awardId, lot: true).ConfigureAwait(false);
            await PublishTransferAsync(tx, "TRANSFER_COMPLETED", "COMMITTED", awardId, awardIntentId,
                (intent.Model, intent.Viewer, debit, -intent.Points), (intent.Viewer, intent.Model, credit, intent.Points)).ConfigureAwait(false);
            return new AwardCommitted(awardId, awardIntentId, intent.Points, "COMMITTED", tx.Now);
        }, cancellationToken);

    /// <summary>A model's awards, newest first (the sandbox's own view, e.g. to pick one to reverse).</summary>
    public Task<List<AwardSummary>> ListAwardsAsync(string modelMemberId, CancellationToken cancellationToken) =>
        db.ReadAsync(
            tx => tx.QueryAsync(
                """
                SELECT award_intent_id, award_id, viewer_member_id, points, status, created_at FROM award_intents
                WHERE model_member_id = $m ORDER BY created_at DESC, award_intent_id DESC LIMIT 50;
                """,
                r => new AwardSummary(r.GetString(0), LedgerBook.NullableString(r, 1), r.GetString(2), r.GetInt64(3), r.GetString(4),
                    DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5))),
                ("$m", modelMemberId)),
            cancellationToken);

    /// <summary>
    /// RRR takes a committed award back (a sandbox extra standing in for RRR's own support tools): the viewer is
    /// debited and the model credited in one transaction, and each side gets TRANSFER_REVERSED naming the intent.
    /// </summary>
    public Task<AwardCommitted> ReverseAwardAsync(string awardId, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            var award = await tx.RowAsync(
                "SELECT award_intent_id, model_member_id, viewer_member_id, points, status FROM award_intents WHERE award_id = $a;",
                r => (Intent: r.GetString(0), Model: r.GetString(1), Viewer: r.GetString(2), Points: r.GetInt64(3), Status: r.GetString(4)),
                ("$a", awardId)).ConfigureAwait(false) ?? throw LedgerProblem.NotFound("The award");
            if (award.Status != "COMMITTED")
            {
                throw LedgerProblem.InvalidState("The award was already reversed.");
            }

            await RequireBalanceAsync(tx, award.Viewer, award.Points).ConfigureAwait(false);
            await tx.ExecAsync("UPDATE award_intents SET status = 'REVERSED' WHERE award_id = $a;", ("$a", awardId)).ConfigureAwait(false);
            var debit = await book.AddEntryAsync(tx, award.Viewer, "AWARD_DEBIT", -award.Points, awardId).ConfigureAwait(false);
            await LedgerBook.ConsumeLotsAsync(tx, award.Viewer, award.Points).ConfigureAwait(false);
            var credit = await book.AddEntryAsync(tx, award.Model, "AWARD_CREDIT", award.Points, awardId, lot: true).ConfigureAwait(false);
            await PublishTransferAsync(tx, "TRANSFER_REVERSED", "REVERSED", awardId, award.Intent,
                (award.Viewer, award.Model, debit, -award.Points), (award.Model, award.Viewer, credit, award.Points)).ConfigureAwait(false);
            return new AwardCommitted(awardId, award.Intent, award.Points, "REVERSED", tx.Now);
        }, cancellationToken);

    // One event per side, each on that member's wallet version, both naming the award and its intent.
    private static async Task PublishTransferAsync(
        LedgerTx tx, string type, string status, string awardId, string awardIntentId,
        params (string Member, string Counterparty, string EntryId, long Points)[] sides)
    {
        foreach (var (member, counterparty, entryId, points) in sides)
        {
            var data = LedgerBook.WalletEvent(member, await tx.BumpWalletAsync(member).ConfigureAwait(false));
            data["counterparty_member_id"] = counterparty;
            data["status"] = status;
            data["points"] = points;
            data["entry_id"] = entryId;
            data["award_id"] = awardId;
            data["award_intent_id"] = awardIntentId;
            tx.Publish(type, data);
        }
    }

    private static async Task RequireBalanceAsync(LedgerTx tx, string memberId, long points)
    {
        var available = await LedgerBook.AvailableAsync(tx, memberId).ConfigureAwait(false);
        if (available < points)
        {
            throw new LedgerProblem(422, "insufficient_points", "Not enough points available.", new Dictionary<string, object?> { ["available_points"] = available });
        }
    }
}
