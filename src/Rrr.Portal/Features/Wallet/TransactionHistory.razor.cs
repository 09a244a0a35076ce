namespace Rrr.Portal.Features.Wallet;

/// <summary>The signed-in member's RRR ledger, newest first, a page at a time; says so when RRR is down or there is no link.</summary>
public sealed partial class TransactionHistory : IDisposable
{
    [Inject] private WalletService Wallet { get; set; } = default!;

    [Inject] private ILogger<TransactionHistory> Logger { get; set; } = default!;

    private const int PageSize = 10;
    private HistoryStanding _standing;
    private readonly CancellationTokenSource _cts = new();
    private List<LedgerEntry>? _items;
    private string? _nextCursor;
    private bool _loading;
    private bool _unavailable;

    protected override async Task OnInitializedAsync()
    {
        if (RendererInfo.IsInteractive)
        {
            await LoadPageAsync(cursor: null);
        }
    }

    /// <summary>Starts again from the newest entry (after the wallet changed).</summary>
    public async Task ReloadAsync()
    {
        await LoadPageAsync(cursor: null);
        StateHasChanged();
    }

    // After a failed first page there is no cursor: "Try again" loads the first page again.
    private Task LoadMoreAsync() => LoadPageAsync(_items is null ? null : _nextCursor);

    private async Task LoadPageAsync(string? cursor)
    {
        _loading = true;
        try
        {
            var result = await Wallet.GetTransactionsAsync(cursor, PageSize, _cts.Token);
            if (result.IsOk)
            {
                _items = cursor is null ? [.. result.Value.Items] : [.. _items ?? [], .. result.Value.Items];
                _nextCursor = result.Value.NextCursor;
                _standing = result.Value.Standing;
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

    private static string TypeLabel(LedgerEntryType type) => type switch
    {
        LedgerEntryType.Earn => "Points earned",
        LedgerEntryType.EarnReversal => "Earn reversed",
        LedgerEntryType.RedemptionHold => "Held for checkout",
        LedgerEntryType.RedemptionRelease => "Released from escrow",
        LedgerEntryType.RedemptionCommit => "Redeemed",
        LedgerEntryType.Topup => "Top-up",
        LedgerEntryType.AwardDebit => "Award sent",
        LedgerEntryType.AwardCredit => "Award received",
        LedgerEntryType.Adjustment => "Adjustment",
        LedgerEntryType.Expiry => "Expired",
        _ => type.ToString(),
    };

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Transaction history not available ({Code})")]
    private static partial void LogUnavailable(ILogger logger, string code);
}
