namespace Rrr.Sandbox.Ledger;

internal sealed record RedemptionOption(long Points, MoneyDto Value);

internal sealed record RedemptionOptions(string RrrMemberId, long AvailablePoints, MoneyDto PointValue, long MaxPoints, IReadOnlyList<RedemptionOption> Options);

internal sealed record RedemptionQuote(string QuoteId, string RrrMemberId, long Points, MoneyDto Value, string Status, DateTimeOffset ExpiresAt);

internal sealed record RedemptionCommitted(string RedemptionId, string QuoteId, long Points, string Status);

internal sealed record RedemptionReversed(string QuoteId, long Points, string Status);

/// <summary>Points at checkout: options, quotes that hold the points in escrow, commit and reversal.</summary>
internal sealed class LedgerRedemptions(LedgerDatabase db, LedgerBook book, LedgerRules rules)
{
    public async Task<RedemptionOptions> GetRedemptionOptionsAsync(string memberId, decimal cartTotal, CancellationToken cancellationToken)
    {
        await book.RunDueWorkAsync(cancellationToken).ConfigureAwait(false);
        return await db.ReadAsync(async tx =>
        {
            await LedgerBook.RequireMemberAsync(tx, memberId).ConfigureAwait(false);
            var available = await LedgerBook.AvailableAsync(tx, memberId).ConfigureAwait(false);
            var cartPoints = (long)decimal.Floor(cartTotal / rules.PointValue);
            var max = Math.Max(0, Math.Min(available, cartPoints)) / rules.RedemptionStep * rules.RedemptionStep;
            var options = new List<RedemptionOption>();
            for (var points = rules.RedemptionStep; points <= max; points += rules.RedemptionStep)
            {
                options.Add(new RedemptionOption(points, ValueOf(points)));
            }

            return new RedemptionOptions(memberId, available, new MoneyDto(rules.PointValue.ToString(System.Globalization.CultureInfo.InvariantCulture), rules.Currency), max, options);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<RedemptionQuote> CreateRedemptionQuoteAsync(string memberId, long points, string? orderRef, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            await LedgerBook.RequireMemberAsync(tx, memberId).ConfigureAwait(false);
            var available = await LedgerBook.AvailableAsync(tx, memberId).ConfigureAwait(false);
            if (points > available)
            {
                throw new LedgerProblem(422, "insufficient_points", "The member does not have enough points.", new Dictionary<string, object?> { ["available_points"] = available });
            }

            var quote = new RedemptionQuote(LedgerDatabase.NewId("rq_"), memberId, points, ValueOf(points), "HELD", tx.Now + rules.QuoteLifetime);
            await tx.ExecAsync(
                "INSERT INTO redemption_quotes (quote_id, rrr_member_id, points, order_ref, status, created_at, expires_at) VALUES ($q, $m, $p, $o, 'HELD', $now, $exp);",
                ("$q", quote.QuoteId), ("$m", memberId), ("$p", points), ("$o", orderRef), ("$now", tx.NowMs), ("$exp", quote.ExpiresAt.ToUnixTimeMilliseconds()))
                .ConfigureAwait(false);
            await book.AddEntryAsync(tx, memberId, "REDEMPTION_HOLD", -points, quote.QuoteId).ConfigureAwait(false);
            await tx.BumpWalletAsync(memberId).ConfigureAwait(false);
            return quote;
        }, cancellationToken);

    public Task<RedemptionCommitted> CommitRedemptionAsync(string quoteId, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            var quote = await HeldQuoteAsync(tx, quoteId).ConfigureAwait(false);
            var redemptionId = LedgerDatabase.NewId("rd_");
            await tx.ExecAsync("UPDATE redemption_quotes SET status = 'COMMITTED', redemption_id = $r WHERE quote_id = $q;", ("$r", redemptionId), ("$q", quoteId))
                .ConfigureAwait(false);
            await book.AddEntryAsync(tx, quote.Member, "REDEMPTION_RELEASE", quote.Points, quoteId).ConfigureAwait(false);
            var entryId = await book.AddEntryAsync(tx, quote.Member, "REDEMPTION_COMMIT", -quote.Points, quoteId).ConfigureAwait(false);
            await LedgerBook.ConsumeLotsAsync(tx, quote.Member, quote.Points).ConfigureAwait(false);
            await LedgerBook.PublishWalletChangeAsync(tx, "REDEMPTION_COMMITTED", quote.Member, "COMMITTED", -quote.Points, entryId,
                ("quote_id", quoteId), ("redemption_id", redemptionId)).ConfigureAwait(false);
            return new RedemptionCommitted(redemptionId, quoteId, quote.Points, "COMMITTED");
        }, cancellationToken);

    public Task<RedemptionReversed> ReverseRedemptionAsync(string quoteId, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            var quote = await HeldQuoteAsync(tx, quoteId).ConfigureAwait(false);
            await tx.ExecAsync("UPDATE redemption_quotes SET status = 'REVERSED' WHERE quote_id = $q;", ("$q", quoteId)).ConfigureAwait(false);
            var entryId = await book.AddEntryAsync(tx, quote.Member, "REDEMPTION_RELEASE", quote.Points, quoteId).ConfigureAwait(false);
            await LedgerBook.PublishWalletChangeAsync(tx, "REDEMPTION_REVERSED", quote.Member, "REVERSED", quote.Points, entryId,
                ("quote_id", quoteId)).ConfigureAwait(false);
            return new RedemptionReversed(quoteId, quote.Points, "REVERSED");
        }, cancellationToken);

    private static async Task<(string Member, long Points)> HeldQuoteAsync(LedgerTx tx, string quoteId)
    {
        var quote = await tx.RowAsync(
            "SELECT rrr_member_id, points, status FROM redemption_quotes WHERE quote_id = $q;",
            r => (Member: r.GetString(0), Points: r.GetInt64(1), Status: r.GetString(2)), ("$q", quoteId)).ConfigureAwait(false)
            ?? throw LedgerProblem.NotFound("The redemption quote");
        return quote.Status switch
        {
            "HELD" => (quote.Member, quote.Points),
            "EXPIRED" => throw new LedgerProblem(422, "quote_expired", "The quote has expired and its points were released."),
            _ => throw LedgerProblem.InvalidState("The quote is already " + quote.Status.ToLowerInvariant() + "."),
        };
    }

    private MoneyDto ValueOf(long points) => new(LedgerRules.Money(points * rules.PointValue), rules.Currency);
}
