using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Wallet;

/// <summary>
/// The signed-in member's RRR ledger, newest first, a page at a time, through the filter bar's kinds and UTC dates
/// (<see cref="HistoryWalk"/>: RRR has no filters, so the portal walks RRR's pages and keeps what matches). A step reads
/// at most <see cref="HistoryWalk.ScreenPageBound"/> RRR pages: when that finds fewer matches than a page, the table
/// says how far back it searched and offers to search further. Says so when RRR is down or there is no link.
/// </summary>
public sealed partial class TransactionHistory : IDisposable
{
    [Inject] private WalletService Wallet { get; set; } = default!;

    [Inject] private ILogger<TransactionHistory> Logger { get; set; } = default!;

    [Inject] private IStringLocalizer<WalletText> L { get; set; } = default!;

    [Inject] private ReaderTime Reader { get; set; } = default!;

    private const int PageSize = 10;
    private readonly CancellationTokenSource _cts = new();
    private HistoryFilter _filter = HistoryFilter.Everything;
    private HistoryWalk? _walk;
    private HistoryStanding _standing;
    private List<LedgerEntry>? _items;
    private bool _hasMore;
    private bool _bounded;
    private DateTimeOffset? _searchedBackTo;
    private bool _loading;
    private bool _unavailable;

    protected override async Task OnInitializedAsync()
    {
        if (RendererInfo.IsInteractive)
        {
            await StartAsync();
        }
    }

    /// <summary>Starts again from the newest entry, keeping the filter (after the wallet changed).</summary>
    public async Task ReloadAsync()
    {
        await StartAsync();
        StateHasChanged();
    }

    private Task ApplyAsync(HistoryFilter filter)
    {
        _filter = filter;
        return StartAsync();
    }

    private Task StartAsync()
    {
        // Unfiltered, every entry is shown: RRR pages of one screen page. Filtered, most may not match: RRR's largest pages.
        _walk = Wallet.WalkHistory(_filter, _filter.IsEverything ? PageSize : WalletService.MaxPageSize);
        _items = null;
        return LoadMoreAsync();
    }

    // After a failure the walk is where it was: "Try again" continues from there (from the start if nothing came yet).
    private async Task LoadMoreAsync()
    {
        if (_walk is not { } walk)
        {
            return;
        }

        _loading = true;
        try
        {
            var result = await walk.NextAsync(PageSize, HistoryWalk.ScreenPageBound, _cts.Token);
            if (!ReferenceEquals(walk, _walk))
            {
                return; // another filter was applied meanwhile
            }

            if (result.IsOk)
            {
                _items = [.. _items ?? [], .. result.Value.Items];
                _standing = result.Value.Standing;
                _hasMore = result.Value.HasMore;
                _bounded = result.Value.Bounded;
                _searchedBackTo = result.Value.SearchedBackTo;
                _unavailable = false;
            }
            else
            {
                LogUnavailable(Logger, result.Code);
                _unavailable = true;
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        finally
        {
            _loading = false;
        }
    }

    private string MoreLabel => L[_unavailable ? "TryAgain" : _bounded ? "SearchFurther" : "LoadMore"].Value;

    // "Showing the first 3 matches: searched back to 2 Mar 2026; ...", or "No matches so far: ..." while none were found.
    private string BoundedText(DateTimeOffset searched) => _items?.Count switch
    {
        null or 0 => L["BoundedNone", "", Reader.Date(searched)].Value,
        1 => L["BoundedOne", 1.ToString(CultureInfo.CurrentCulture), Reader.Date(searched)].Value,
        var n => L["BoundedMany", n.Value.ToString("N0", CultureInfo.CurrentCulture), Reader.Date(searched)].Value,
    };

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Transaction history not available ({Code})")]
    private static partial void LogUnavailable(ILogger logger, string code);
}
