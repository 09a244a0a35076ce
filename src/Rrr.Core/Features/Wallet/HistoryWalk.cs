using System.Runtime.CompilerServices;

namespace Rrr.Core.Features.Wallet;

/// <summary>Reads one page of the signed-in member's ledger (<see cref="WalletService.GetTransactionsAsync"/>).</summary>
public delegate Task<RrrResult<TransactionsPage>> LedgerPageReader(string? cursor, int limit, CancellationToken cancellationToken);

/// <summary>What one step of a walk found, and whether there may be more.</summary>
/// <param name="Items">Matching entries, newest first; at most the number asked for.</param>
/// <param name="HasMore">False once the walk reached RRR's last page or an entry older than the filter's start.</param>
/// <param name="Bounded">The step stopped at its page bound with fewer matches than asked: more may exist further back.</param>
/// <param name="SearchedBackTo">The oldest entry the walk has looked at so far (matching or not).</param>
public sealed record HistoryBatch(
    IReadOnlyList<LedgerEntry> Items, HistoryStanding Standing, bool HasMore, bool Bounded, DateTimeOffset? SearchedBackTo);

/// <summary>
/// The member's ledger through a <see cref="HistoryFilter"/>. RRR has no filter parameters, so the walk reads RRR's
/// pages newest first and keeps what matches: entries after the filter's end are skipped, and the first entry before
/// its start ends the walk (RRR pages newest first, so nothing older can match). Matches found beyond what a step
/// asked for wait for the next step, so a screen shows exactly as many as it asks for. One walk per filter; not
/// thread-safe (one circuit or one request owns it).
/// </summary>
public sealed class HistoryWalk
{
    /// <summary>RRR pages one screen step reads at most before it answers with what it found.</summary>
    public const int ScreenPageBound = 5;

    /// <summary>
    /// RRR pages an export reads at most (at 100 entries a page, 100,000 entries). Past it the export fails rather than
    /// end early looking complete; a narrower date range gets through.
    /// </summary>
    public const int ExportPageBound = 1_000;

    private readonly LedgerPageReader read;
    private readonly int pageSize;
    private readonly Queue<LedgerEntry> found = new();
    private string? cursor;
    private bool started;
    private bool exhausted;

    public HistoryWalk(HistoryFilter filter, LedgerPageReader read, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, WalletService.MaxPageSize);
        Filter = filter;
        this.read = read;
        this.pageSize = pageSize;
    }

    public HistoryFilter Filter { get; }

    /// <summary>Known after the first page: the member's ledger, or why there is none.</summary>
    public HistoryStanding Standing { get; private set; } = HistoryStanding.Ledger;

    /// <summary>RRR pages read so far.</summary>
    public int PagesRead { get; private set; }

    public DateTimeOffset? SearchedBackTo { get; private set; }

    /// <summary>True until the walk has read everything that can match and handed it all out.</summary>
    public bool HasMore => found.Count > 0 || !exhausted;

    /// <summary>
    /// Up to <paramref name="want"/> more matching entries, reading at most <paramref name="maxPages"/> RRR pages. A failed
    /// page read is answered as the failure and leaves the walk where it was: asking again continues from there.
    /// </summary>
    public async Task<RrrResult<HistoryBatch>> NextAsync(int want, int maxPages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(want, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        var pages = 0;
        while (found.Count < want && !exhausted && pages < maxPages)
        {
            var failure = await ReadPageAsync(cancellationToken);
            if (failure is not null)
            {
                return failure.Failed<HistoryBatch>();
            }

            pages++;
        }

        var items = new List<LedgerEntry>(Math.Min(want, found.Count));
        while (items.Count < want && found.TryDequeue(out var entry))
        {
            items.Add(entry);
        }

        return RrrResult.Ok(new HistoryBatch(items, Standing, HasMore, Bounded: items.Count < want && HasMore, SearchedBackTo));
    }

    /// <summary>
    /// Reads the first page unless one was read, so a caller learns the standing (and whether RRR answers at all)
    /// before it commits to an answer, e.g. before an export sends its headers.
    /// </summary>
    public async Task<RrrResult<HistoryStanding>> StartAsync(CancellationToken cancellationToken)
    {
        if (!started && await ReadPageAsync(cancellationToken) is { } failure)
        {
            return failure.Failed<HistoryStanding>();
        }

        return RrrResult.Ok(Standing);
    }

    /// <summary>
    /// Every remaining match, a page at a time (one RRR page in memory, never the whole history), for the export.
    /// A page RRR does not answer, or the <see cref="ExportPageBound"/>, ends it with <see cref="HistoryWalkInterruptedException"/>:
    /// a caller must never mistake an interrupted walk for the end of the history.
    /// </summary>
    public async IAsyncEnumerable<LedgerEntry> RemainingAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            while (found.TryDequeue(out var entry))
            {
                yield return entry;
            }

            if (exhausted)
            {
                yield break;
            }

            if (PagesRead >= ExportPageBound)
            {
                throw new HistoryWalkInterruptedException("history_too_long", $"More than {ExportPageBound} RRR pages in range.");
            }

            if (await ReadPageAsync(cancellationToken) is { } failure)
            {
                throw new HistoryWalkInterruptedException(failure.Code, "RRR did not answer a history page.");
            }
        }
    }

    /// <summary>Reads the next RRR page into <see cref="found"/>; null when it was read, else the failed result.</summary>
    private async Task<RrrResult<TransactionsPage>?> ReadPageAsync(CancellationToken cancellationToken)
    {
        var result = await read(cursor, pageSize, cancellationToken);
        if (!result.IsOk)
        {
            return result;
        }

        var page = result.Value;
        started = true;
        PagesRead++;
        Standing = page.Standing;
        if (page.Standing != HistoryStanding.Ledger)
        {
            exhausted = true;
            return null;
        }

        foreach (var entry in page.Items)
        {
            SearchedBackTo = SearchedBackTo is { } seen && seen < entry.CreatedAt ? seen : entry.CreatedAt;
            if (entry.CreatedAt < Filter.Start)
            {
                exhausted = true;
                return null;
            }

            if (!(entry.CreatedAt >= Filter.End) && Filter.KeepsKind(entry.Type))
            {
                found.Enqueue(entry);
            }
        }

        // A cursor that does not move would walk the same page for ever.
        exhausted = page.NextCursor is null || page.NextCursor == cursor;
        cursor = page.NextCursor;
        return null;
    }
}

/// <summary>A history walk could not finish (RRR stopped answering, or the history is past the export bound).</summary>
public sealed class HistoryWalkInterruptedException(string code, string message) : InvalidOperationException(message)
{
    public string Code { get; } = code;
}
