using System.Globalization;
using Rrr.Core.Features;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Rrr.Wallet;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Wallet;

/// <summary>The filter walk over RRR's pages: kinds, inclusive UTC days, the stop at the start date, the per-step bound.</summary>
public sealed class HistoryWalkTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 31, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One entry per hour back from <see cref="Now"/>, types cycling through <paramref name="types"/>.</summary>
    private static List<LedgerEntry> Ledger(int count, params LedgerEntryType[] types) =>
        [.. Enumerable.Range(0, count).Select(i => Entry(i, types.Length == 0 ? LedgerEntryType.Earn : types[i % types.Length], Now.AddHours(-i)))];

    private static LedgerEntry Entry(int i, LedgerEntryType type, DateTimeOffset at) =>
        new("le_" + i.ToString(CultureInfo.InvariantCulture), type, type is LedgerEntryType.AwardDebit or LedgerEntryType.Expiry ? -10 : 10,
            LedgerEntryStatus.Posted, at, "ref_" + i.ToString(CultureInfo.InvariantCulture), null);

    [Fact]
    public async Task KeepsOnlyTheChosenKinds_InRrrsOrder()
    {
        var rrr = new PagedLedger(Ledger(30, LedgerEntryType.Earn, LedgerEntryType.AwardCredit, LedgerEntryType.RedemptionCommit, LedgerEntryType.Expiry, LedgerEntryType.EarnReversal));
        var walk = new HistoryWalk(new HistoryFilter([HistoryKind.Earned, HistoryKind.Reversals]), rrr.ReadAsync, pageSize: 7);

        var batch = await walk.NextAsync(want: 100, maxPages: 100, Ct).Ok();

        Assert.Equal(18, batch.Items.Count); // 6 earn, 6 expiry, 6 earn reversals of 30
        Assert.All(batch.Items, e => Assert.Contains(e.Type, new[] { LedgerEntryType.Earn, LedgerEntryType.Expiry, LedgerEntryType.EarnReversal }));
        Assert.Equal(batch.Items.OrderByDescending(e => e.CreatedAt), batch.Items);
        Assert.False(batch.HasMore);
        Assert.False(batch.Bounded);
    }

    [Fact]
    public async Task Dates_AreWholeUtcDays_BothEndsInclusive_AndTheWalkStopsAtTheFirstOlderEntry()
    {
        var entries = new List<LedgerEntry>
        {
            Entry(0, LedgerEntryType.Earn, new DateTimeOffset(2026, 3, 21, 0, 0, 0, TimeSpan.Zero)),            // after "to": skipped
            Entry(1, LedgerEntryType.Earn, new DateTimeOffset(2026, 3, 20, 23, 59, 59, 999, TimeSpan.Zero)),     // last instant of "to"
            Entry(2, LedgerEntryType.Earn, new DateTimeOffset(2026, 3, 20, 1, 0, 0, TimeSpan.FromHours(2))),      // 19 Mar 23:00 UTC
            Entry(3, LedgerEntryType.Earn, new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero)),             // first instant of "from"
            Entry(4, LedgerEntryType.Earn, new DateTimeOffset(2026, 3, 9, 23, 59, 59, TimeSpan.Zero)),           // before "from": the end
            Entry(5, LedgerEntryType.Earn, new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)),
        };
        var rrr = new PagedLedger([.. entries, .. Ledger(500).Select(e => e with { CreatedAt = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero) })]);
        var walk = new HistoryWalk(new HistoryFilter(from: new DateOnly(2026, 3, 10), to: new DateOnly(2026, 3, 20)), rrr.ReadAsync, pageSize: 2);

        var batch = await walk.NextAsync(want: 50, maxPages: 50, Ct).Ok();

        Assert.Equal(["le_1", "le_2", "le_3"], batch.Items.Select(e => e.EntryId));
        Assert.False(batch.HasMore);
        Assert.Equal(3, rrr.Cursors.Count); // pages (0,1) (2,3) (4,5): the walk read nothing past the first older entry
        Assert.Equal(entries[4].CreatedAt, batch.SearchedBackTo);
    }

    [Fact]
    public async Task AStep_ReadsAtMostItsBound_AndSaysHowFarBackItSearched()
    {
        // 1 award among 200 earns: 20 pages of 10 to find it.
        var ledger = Ledger(200);
        ledger[195] = ledger[195] with { Type = LedgerEntryType.AwardCredit };
        var rrr = new PagedLedger(ledger);
        var walk = new HistoryWalk(new HistoryFilter([HistoryKind.Awards]), rrr.ReadAsync, pageSize: 10);

        var first = await walk.NextAsync(want: 10, maxPages: HistoryWalk.ScreenPageBound, Ct).Ok();

        Assert.Empty(first.Items);
        Assert.True(first.Bounded);
        Assert.True(first.HasMore);
        Assert.Equal(HistoryWalk.ScreenPageBound, rrr.Cursors.Count);
        Assert.Equal(ledger[49].CreatedAt, first.SearchedBackTo);

        var batches = new List<HistoryBatch> { first };
        while (batches[^1].HasMore)
        {
            batches.Add(await walk.NextAsync(want: 10, maxPages: HistoryWalk.ScreenPageBound, Ct).Ok());
        }

        Assert.Equal(["le_195"], batches.SelectMany(b => b.Items).Select(e => e.EntryId));
        Assert.Equal(4, batches.Count);
        Assert.False(batches[^1].Bounded);
        Assert.Equal(20, rrr.Cursors.Count);
    }

    [Fact]
    public async Task MatchesBeyondAStep_WaitForTheNextStep_WithoutAnotherRrrRead()
    {
        var rrr = new PagedLedger(Ledger(25));
        var walk = new HistoryWalk(HistoryFilter.Everything, rrr.ReadAsync, pageSize: 100);

        var first = await walk.NextAsync(want: 10, maxPages: 5, Ct).Ok();
        var second = await walk.NextAsync(want: 10, maxPages: 5, Ct).Ok();
        var third = await walk.NextAsync(want: 10, maxPages: 5, Ct).Ok();

        Assert.Equal((10, 10, 5), (first.Items.Count, second.Items.Count, third.Items.Count));
        Assert.True(first.HasMore && second.HasMore);
        Assert.False(third.HasMore);
        Assert.Equal(25, new[] { first, second, third }.SelectMany(b => b.Items).Select(e => e.EntryId).Distinct().Count());
        Assert.Single(rrr.Cursors);
    }

    [Fact]
    public async Task AFailedPage_IsTheAnswer_AndTheNextAskContinuesWhereTheWalkWas()
    {
        var rrr = new PagedLedger(Ledger(30));
        var walk = new HistoryWalk(HistoryFilter.Everything, rrr.ReadAsync, pageSize: 10);
        var first = await walk.NextAsync(want: 10, maxPages: 5, Ct).Ok();

        rrr.Down = true;
        var failed = await walk.NextAsync(want: 10, maxPages: 5, Ct);
        rrr.Down = false;
        var again = await walk.NextAsync(want: 10, maxPages: 5, Ct).Ok();

        Assert.True(failed.IsUnavailable);
        Assert.Equal("le_9", first.Items[^1].EntryId);
        Assert.Equal("le_10", again.Items[0].EntryId);
        Assert.Equal([null, "10", "10"], rrr.Cursors);
    }

    [Fact]
    public async Task NotLinked_IsAnEmptyFinishedWalk()
    {
        var walk = new HistoryWalk(HistoryFilter.Everything, (_, _, _) => Task.FromResult(RrrResult.Ok(TransactionsPage.NotLinked)), pageSize: 10);

        var start = await walk.StartAsync(Ct).Ok();
        var batch = await walk.NextAsync(want: 10, maxPages: 5, Ct).Ok();

        Assert.Equal(HistoryStanding.NotLinked, start);
        Assert.Equal(HistoryStanding.NotLinked, batch.Standing);
        Assert.Empty(batch.Items);
        Assert.False(batch.HasMore);
    }

    [Fact]
    public async Task Remaining_YieldsEveryMatchOnce_StartingWithTheFirstPageAlreadyRead()
    {
        var rrr = new PagedLedger(Ledger(250, LedgerEntryType.Earn, LedgerEntryType.Topup));
        var walk = new HistoryWalk(new HistoryFilter([HistoryKind.TopUps]), rrr.ReadAsync, pageSize: 100);

        await walk.StartAsync(Ct).Ok();
        var all = new List<LedgerEntry>();
        await foreach (var entry in walk.RemainingAsync(Ct))
        {
            all.Add(entry);
        }

        Assert.Equal(125, all.Count);
        Assert.All(all, e => Assert.Equal(LedgerEntryType.Topup, e.Type));
        Assert.Equal([null, "100", "200"], rrr.Cursors);
    }

    [Fact]
    public async Task Remaining_WhenRrrStopsAnswering_ThrowsRatherThanEndingLikeAFinishedHistory()
    {
        var rrr = new PagedLedger(Ledger(250));
        var walk = new HistoryWalk(HistoryFilter.Everything, rrr.ReadAsync, pageSize: 100);
        var seen = 0;

        var interrupted = await Assert.ThrowsAsync<HistoryWalkInterruptedException>(async () =>
        {
            await foreach (var _ in walk.RemainingAsync(Ct))
            {
                if (++seen == 100)
                {
                    rrr.Down = true;
                }
            }
        });

        Assert.Equal(RrrResult.UnavailableCode, interrupted.Code);
        Assert.Equal(100, seen);
    }

    [Fact]
    public async Task ACursorThatDoesNotMove_EndsTheWalk()
    {
        var page = new TransactionsPage([Entry(0, LedgerEntryType.Earn, Now)], "same");
        var walk = new HistoryWalk(HistoryFilter.Everything, (_, _, _) => Task.FromResult(RrrResult.Ok(page)), pageSize: 10);

        var first = await walk.NextAsync(want: 10, maxPages: 50, Ct).Ok();
        var second = await walk.NextAsync(want: 10, maxPages: 50, Ct).Ok();

        Assert.Equal(2, first.Items.Count + second.Items.Count); // the first read with no cursor, the second with "same"
        Assert.False(second.HasMore);
    }

    /// <summary>RRR's cursor paging over a list (the cursor is the next index); records every cursor it was asked with.</summary>
    private sealed class PagedLedger(List<LedgerEntry> entries)
    {
        public List<string?> Cursors { get; } = [];

        public bool Down { get; set; }

        public Task<RrrResult<TransactionsPage>> ReadAsync(string? cursor, int limit, CancellationToken cancellationToken)
        {
            Cursors.Add(cursor);
            if (Down)
            {
                return Task.FromResult(RrrResult.Unavailable<TransactionsPage>());
            }

            var start = cursor is null ? 0 : int.Parse(cursor, CultureInfo.InvariantCulture);
            var next = start + limit < entries.Count ? (start + limit).ToString(CultureInfo.InvariantCulture) : null;
            return Task.FromResult(RrrResult.Ok(new TransactionsPage([.. entries.Skip(start).Take(limit)], next)));
        }
    }
}
