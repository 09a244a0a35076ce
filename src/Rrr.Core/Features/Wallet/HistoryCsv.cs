namespace Rrr.Core.Features.Wallet;

/// <summary>
/// The member's own history as CSV (<see cref="Csv"/>: RFC 4180, formula prefixes neutralised in text cells), one row
/// per ledger entry, written as the walk hands entries over and flushed every page's worth of rows, so an export of any
/// length holds about one RRR page in memory.
/// </summary>
public static class HistoryCsv
{
    /// <summary>RRR answers at most this many entries a page: the fewest round trips for a long export.</summary>
    public const int RrrPageSize = WalletService.MaxPageSize;

    /// <summary>
    /// <c>date_utc</c> ISO 8601 in UTC; <c>kind</c> the portal's group (<see cref="HistoryKinds.Code"/>, as in the
    /// query string); <c>entry_type</c> RRR's own type, so a row can be matched with RRR support; <c>points</c> signed
    /// (credits positive); <c>status</c> POSTED or PENDING; <c>reference</c> RRR's reference (e.g. the order number).
    /// </summary>
    public static readonly string[] Header = ["date_utc", "kind", "entry_type", "points", "status", "reference"];

    public static CsvCell[] Cells(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return
        [
            CsvCell.Text(Csv.Timestamp(entry.CreatedAt)),
            CsvCell.Text(HistoryKinds.Code(HistoryKinds.Of(entry.Type))),
            CsvCell.Text(HistoryKinds.WireName(entry.Type)),
            CsvCell.Number(entry.Points),
            CsvCell.Text(HistoryKinds.WireName(entry.Status)),
            CsvCell.Text(entry.Reference),
        ];
    }

    /// <summary>
    /// Writes the header and every entry <paramref name="entries"/> yields; returns the number of rows. An interrupted walk
    /// (<see cref="HistoryWalkInterruptedException"/>) propagates after the rows so far: the caller must fail the download.
    /// </summary>
    public static async Task<long> WriteAsync(IAsyncEnumerable<LedgerEntry> entries, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(writer);
        await Csv.WriteRowAsync(writer, Header);
        long written = 0;
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            await Csv.WriteRowAsync(writer, Cells(entry));
            written++;
            if (written % RrrPageSize == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        await writer.FlushAsync(cancellationToken);
        return written;
    }
}
