using System.Globalization;
using Microsoft.Extensions.Primitives;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Rrr.Wallet;
using Rrr.Portal.Features.Wallet;

namespace Rrr.Portal.Tests.Features.Wallet;

/// <summary>Kinds, the date rules the filter bar and the export share, the query string, the CSV row.</summary>
public sealed class HistoryFilterTests
{
    private static readonly DateOnly Today = new(2026, 3, 31);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void EveryLedgerEntryType_HasAKind_AndEveryKindHasATypeAndACodeThatReadsBack()
    {
        var kinds = Enum.GetValues<LedgerEntryType>().Select(HistoryKinds.Of).ToList();

        Assert.Equal(HistoryKinds.All.Order(), kinds.Distinct().Order());
        foreach (var kind in HistoryKinds.All)
        {
            Assert.True(HistoryKinds.TryParse(HistoryKinds.Code(kind), out var read));
            Assert.Equal(kind, read);
        }
    }

    [Theory]
    [InlineData(LedgerEntryType.Earn, HistoryKind.Earned)]
    [InlineData(LedgerEntryType.Topup, HistoryKind.TopUps)]
    [InlineData(LedgerEntryType.RedemptionHold, HistoryKind.Redeemed)]
    [InlineData(LedgerEntryType.RedemptionRelease, HistoryKind.Redeemed)]
    [InlineData(LedgerEntryType.RedemptionCommit, HistoryKind.Redeemed)]
    [InlineData(LedgerEntryType.AwardDebit, HistoryKind.Awards)]
    [InlineData(LedgerEntryType.AwardCredit, HistoryKind.Awards)]
    [InlineData(LedgerEntryType.Adjustment, HistoryKind.Adjustments)]
    [InlineData(LedgerEntryType.EarnReversal, HistoryKind.Reversals)]
    [InlineData(LedgerEntryType.Expiry, HistoryKind.Reversals)]
    public void EntryTypes_AreGroupedAsMembersThinkOfThem(LedgerEntryType type, HistoryKind kind) => Assert.Equal(kind, HistoryKinds.Of(type));

    [Theory]
    [InlineData("2026-03-01", "2026-03-31", null, null)]
    [InlineData("2026-03-31", "2026-03-31", null, null)]
    [InlineData(null, null, null, null)]
    [InlineData("2026-04-01", null, "From cannot be in the future.", null)]
    [InlineData(null, "2026-04-01", null, "To cannot be in the future.")]
    [InlineData("2026-03-10", "2026-03-09", null, "To must be on or after From.")]
    [InlineData("2026-04-02", "2026-04-01", "From cannot be in the future.", "To cannot be in the future.")]
    public void Dates_MayNotLieInTheFuture_NorEndBeforeTheyStart(string? from, string? to, string? fromProblem, string? toProblem)
    {
        var filter = new HistoryFilter(from: from is null ? null : DateOnly.Parse(from, CultureInfo.InvariantCulture), to: to is null ? null : DateOnly.Parse(to, CultureInfo.InvariantCulture));

        var problems = filter.Problems(Today);

        Assert.Equal(fromProblem, problems.TryGetValue(HistoryFilter.FromField, out var f) ? Assert.Single(f) : null);
        Assert.Equal(toProblem, problems.TryGetValue(HistoryFilter.ToField, out var t) ? Assert.Single(t) : null);
    }

    [Fact]
    public void Query_ReadsRepeatedAndCommaSeparatedKinds_AndWritesTheSameFilterBack()
    {
        Assert.True(HistoryQuery.TryParse(new StringValues(["earned,awards", " Reversals "]), "2026-03-01", "2026-03-31", out var filter, out var errors));

        Assert.Empty(errors);
        Assert.Equal([HistoryKind.Earned, HistoryKind.Awards, HistoryKind.Reversals], filter.Kinds);
        Assert.Equal((new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31)), (filter.From!.Value, filter.To!.Value));
        var url = HistoryQuery.ExportUrl(filter);
        Assert.Equal("member/history.csv?kind=earned&kind=awards&kind=reversals&from=2026-03-01&to=2026-03-31", url);
        Assert.Equal("member/history.csv", HistoryQuery.ExportUrl(HistoryFilter.Everything));
    }

    [Fact]
    public void Query_WithAnUnknownKindOrAnUnreadableDate_IsAFieldError_NotAWiderExport()
    {
        Assert.False(HistoryQuery.TryParse(new StringValues("earned,<script>"), "yesterday", "2026-3-1", out _, out var errors));

        Assert.Equal([HistoryFilter.FromField, HistoryFilter.KindField, HistoryFilter.ToField], errors.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("<script>", errors[HistoryFilter.KindField][0], StringComparison.Ordinal);
        Assert.Contains("earned, topups, redeemed, awards, adjustments, reversals", errors[HistoryFilter.KindField][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CsvRow_HasUtcDate_KindAndRrrType_SignedPointsAsANumber_AndANeutralisedReference()
    {
        var entry = new LedgerEntry("le_1", LedgerEntryType.RedemptionCommit, -250, LedgerEntryStatus.Pending,
            new DateTimeOffset(2026, 3, 10, 9, 30, 0, TimeSpan.FromHours(2)), "=HYPERLINK(\"http://e.test\")", "tr_1");
        using var writer = new StringWriter();

        var rows = await HistoryCsv.WriteAsync(Entries(entry, entry with { Reference = null, Points = 5, Type = LedgerEntryType.Topup }), writer, Ct);

        Assert.Equal(2, rows);
        Assert.Equal(
            "date_utc,kind,entry_type,points,status,reference\r\n"
            + "2026-03-10T07:30:00.000Z,redeemed,REDEMPTION_COMMIT,-250,PENDING,\"'=HYPERLINK(\"\"http://e.test\"\")\"\r\n"
            + "2026-03-10T07:30:00.000Z,topups,TOPUP,5,PENDING,\r\n",
            writer.ToString());
    }

    private static async IAsyncEnumerable<LedgerEntry> Entries(params LedgerEntry[] entries)
    {
        foreach (var entry in entries)
        {
            await Task.Yield();
            yield return entry;
        }
    }
}
