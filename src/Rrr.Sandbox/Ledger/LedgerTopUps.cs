namespace Rrr.Sandbox.Ledger;

internal sealed record TopUpQuote(string QuoteId, string RrrMemberId, long Points, MoneyDto Price, DateTimeOffset ExpiresAt);

internal sealed record TopUpPosted(string TopupId, string QuoteId, long Points, string Status);

/// <summary>Top-ups: a priced quote for a bundle, committed once XCN took the payment.</summary>
internal sealed class LedgerTopUps(LedgerBook book, LedgerRules rules)
{
    public Task<TopUpQuote> CreateTopUpQuoteAsync(string memberId, long bundle, CancellationToken cancellationToken)
    {
        if (!rules.TopUpBundles.Contains(bundle))
        {
            throw LedgerProblem.Validation("bundle", "The bundle must be one of " + string.Join(", ", rules.TopUpBundles) + ".");
        }

        return book.WriteAsync(async tx =>
        {
            await LedgerBook.RequireMemberAsync(tx, memberId).ConfigureAwait(false);
            var quote = new TopUpQuote(
                LedgerDatabase.NewId("tq_"), memberId, bundle, new MoneyDto(LedgerRules.Money(bundle * rules.TopUpPricePerPoint), rules.Currency),
                tx.Now + rules.QuoteLifetime);
            await tx.ExecAsync(
                "INSERT INTO topup_quotes (quote_id, rrr_member_id, points, price, currency, status, created_at, expires_at) VALUES ($q, $m, $p, $price, $c, 'OPEN', $now, $exp);",
                ("$q", quote.QuoteId), ("$m", memberId), ("$p", bundle), ("$price", quote.Price.Amount), ("$c", quote.Price.Currency), ("$now", tx.NowMs),
                ("$exp", quote.ExpiresAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
            return quote;
        }, cancellationToken);
    }

    public Task<TopUpPosted> CommitTopUpAsync(string quoteId, string paymentRef, CancellationToken cancellationToken) =>
        book.WriteAsync(async tx =>
        {
            var quote = await tx.RowAsync(
                "SELECT rrr_member_id, points, status FROM topup_quotes WHERE quote_id = $q;",
                r => (Member: r.GetString(0), Points: r.GetInt64(1), Status: r.GetString(2)), ("$q", quoteId)).ConfigureAwait(false)
                ?? throw LedgerProblem.NotFound("The top-up quote");
            if (quote.Status == "EXPIRED")
            {
                throw new LedgerProblem(422, "quote_expired", "The top-up quote has expired.");
            }

            if (quote.Status != "OPEN")
            {
                throw LedgerProblem.InvalidState("The top-up quote was already committed.");
            }

            var topupId = LedgerDatabase.NewId("tu_");
            await tx.ExecAsync("UPDATE topup_quotes SET status = 'POSTED', topup_id = $t WHERE quote_id = $q;", ("$t", topupId), ("$q", quoteId)).ConfigureAwait(false);
            var entryId = await book.AddEntryAsync(tx, quote.Member, "TOPUP", quote.Points, paymentRef, lot: true).ConfigureAwait(false);
            await LedgerBook.PublishWalletChangeAsync(tx, "POINTS_POSTED", quote.Member, "POSTED", quote.Points, entryId,
                ("quote_id", quoteId), ("topup_id", topupId)).ConfigureAwait(false);
            return new TopUpPosted(topupId, quoteId, quote.Points, "POSTED");
        }, cancellationToken);
}
