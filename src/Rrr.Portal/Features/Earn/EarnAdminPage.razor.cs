namespace Rrr.Portal.Features.Earn;

public sealed partial class EarnAdminPage
{
    private const int RefreshSeconds = 5;
    private const int RecentRows = 20;
    private const int MaxRows = 200;

    private readonly CancellationTokenSource _stop = new();
    private IReadOnlyDictionary<OutboxStatus, long> _counts = new Dictionary<OutboxStatus, long>();
    private IReadOnlyList<OutboxRow> _dead = [];
    private IReadOnlyList<OutboxRow> _posted = [];
    private IReadOnlyList<OutboxRow> _held = [];
    private long _holdExpired;
    private DateTimeOffset? _refreshedAt;
    private string? _error;
    private bool _loading = true;
    private bool _busy;
    private PeriodicTimer? _timer;

    protected override async Task OnInitializedAsync()
    {
        await RefreshAsync();
        _loading = false;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _ = AutoRefreshAsync();
        }
    }

    private async Task AutoRefreshAsync()
    {
        _timer = new PeriodicTimer(TimeSpan.FromSeconds(RefreshSeconds), Time);
        try
        {
            while (await _timer.WaitForNextTickAsync(_stop.Token))
            {
                await RefreshAsync();
                await InvokeAsync(StateHasChanged);
            }
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            _counts = await Admin.GetBacklogAsync(_stop.Token);
            _dead = await Admin.ListDeadAsync(MaxRows, _stop.Token);
            _posted = await Admin.ListRecentlyPostedAsync(RecentRows, _stop.Token);
            _held = await Admin.ListHeldAsync(MaxRows, _stop.Token);
            _holdExpired = await Admin.CountHoldExpiredAsync(_stop.Token);
            _refreshedAt = Time.GetUtcNow();
            _error = null;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _error = L["LoadFailed"];
        }
    }

    private async Task RetryAsync(OutboxRow row)
    {
        _busy = true;
        try
        {
            var retried = await Admin.RetryAsync(row.Key, _stop.Token);
            Snackbar.Add(retried ? L["Requeued", row.Order.OrderNumber] : L["NoLongerDead", row.Order.OrderNumber],
                retried ? Severity.Success : Severity.Info);
            await RefreshAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RetryAllAsync()
    {
        _busy = true;
        try
        {
            var count = await Admin.RetryAllDeadAsync(_stop.Token);
            Snackbar.Add(L[count == 1 ? "RequeuedAllOne" : "RequeuedAllMany", count.ToString("N0", CultureInfo.CurrentCulture)], Severity.Success);
            await RefreshAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private long Count(OutboxStatus status) => _counts.TryGetValue(status, out var n) ? n : 0;

    private static string Code(OutboxStatus status) => OutboxCodes.StatusText(status).ToLowerInvariant();

    private string Label(OutboxStatus status) => status switch
    {
        OutboxStatus.Pending => L["StatusPending"],
        OutboxStatus.Claimed => L["StatusClaimed"],
        OutboxStatus.Posted => L["StatusPosted"],
        OutboxStatus.Held => L["StatusHeld"],
        _ => L["StatusDead"],
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _timer?.Dispose();
        _stop.Dispose();
    }
}
