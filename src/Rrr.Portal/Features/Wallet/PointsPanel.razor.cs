namespace Rrr.Portal.Features.Wallet;

/// <summary>
/// The signed-in member's points from RRR: live, or the last known numbers with their age while RRR is
/// down (retrying with backoff on <see cref="TimeProvider"/> until it answers), updated without reload when
/// an RRR webhook for this member arrives.
/// </summary>
public sealed partial class PointsPanel : IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan AgeTick = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _cts = new();
    private WalletView? _view;
    private bool _loading;

    // The peeked cache is shown before RRR was asked; only an actual failed ask means "unavailable".
    private bool _asked;
    private string? _error;
    private int _failedTries;
    private ITimer? _retryTimer;
    private ITimer? _ageTimer;
    private IDisposable? _memberSubscription;
    private IDisposable? _walletSubscription;
    private IDisposable? _userSubscription;
    private string? _subscribedMember;
    private bool _disposed;

    [Inject] private WalletService Wallet { get; set; } = default!;

    [Inject] private LinkStatusService Links { get; set; } = default!;

    [Inject] private CircuitEvents Events { get; set; } = default!;

    [Inject] private TimeProvider Time { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Inject] private CircuitAnnouncements Announcements { get; set; } = default!;

    [Inject] private ILogger<PointsPanel> Logger { get; set; } = default!;

    /// <summary>Raised after RRR reported a change to this member's wallet (e.g. so the history reloads).</summary>
    [Parameter] public EventCallback WalletChanged { get; set; }

    private DateTimeOffset Now => Time.GetUtcNow();

    private DateTimeOffset? AsOf => _view?.Wallet is not null ? _view.FetchedAt : _view?.Link.FetchedAt;

    /// <summary>RRR's clock now: its as_of plus the time since we asked (the sandbox clock can run ahead of ours).</summary>
    private DateTimeOffset RrrNow => _view is { Wallet: { } wallet, FetchedAt: { } fetched } ? wallet.AsOf + (Now - fetched) : Now;

    protected override async Task OnInitializedAsync()
    {
        // Prerendering shows the skeleton; the circuit (which can stay live) does the loading.
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        Links.Changed += OnLinkChanged;
        _ageTimer = Time.CreateTimer(_ => _ = InvokeAsync(StateHasChanged), null, AgeTick, AgeTick);
        try
        {
            // Last known numbers first, so the panel is never blank while RRR is asked (or is down).
            _view = await Wallet.PeekAsync(_cts.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogWarning("Cached wallet unreadable ({ErrorClass})", ex.GetType().Name);
        }

        await LoadAsync(refreshLink: false);
    }

    private async Task RefreshAsync()
    {
        await LoadAsync(refreshLink: true);
    }

    private async Task LoadAsync(bool refreshLink)
    {
        if (_disposed)
        {
            return;
        }

        _loading = true;
        StateHasChanged();
        try
        {
            var result = await Wallet.GetAsync(refreshLink, _cts.Token);
            if (result.IsOk)
            {
                _view = result.Value;
                _asked = true;
                _error = null;
            }
            else if (result.Is(RrrResult.NotSignedIn))
            {
                _error = L["NoMemberId"];
            }
            else
            {
                // RRR refused the read (e.g. unknown member): nothing to retry into, say so.
                Logger.LogWarning("RRR refused the wallet read: {Code}", result.Code);
                _error = L["RrrRefused"];
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            _loading = false;
        }

        Subscribe();
        if (_view is { RrrUnavailable: true })
        {
            ScheduleRetry(_view.RetryAfter);
        }
        else
        {
            _failedTries = 0;
            _retryTimer?.Dispose();
            _retryTimer = null;
        }

        StateHasChanged();
    }

    private void ScheduleRetry(TimeSpan? retryAfter)
    {
        // 2 s, 4 s, 8 s, then every 15 s; RRR's Retry-After may ask for longer, never beyond the cap.
        var backoff = FirstRetry * (1 << Math.Min(_failedTries, 4));
        var delay = retryAfter is { } hint && hint > backoff ? hint : backoff;
        delay = delay > MaxRetry ? MaxRetry : delay;
        _failedTries++;
        _retryTimer?.Dispose();
        _retryTimer = Time.CreateTimer(_ => _ = InvokeAsync(() => LoadAsync(refreshLink: true)), null, delay, Timeout.InfiniteTimeSpan);
    }

    private void Subscribe()
    {
        if (_view is null || _disposed)
        {
            return;
        }

        _userSubscription ??= Events.Subscribe(RrrTopic.XcnUser(_view.Link.XcnUserId), OnEvent);
        var member = _view.Link.IsLinked ? _view.Link.RrrMemberId : null;
        if (member == _subscribedMember)
        {
            return;
        }

        _memberSubscription?.Dispose();
        _walletSubscription?.Dispose();
        _memberSubscription = member is null ? null : Events.Subscribe(RrrTopic.Member(member), OnEvent);
        _walletSubscription = member is null ? null : Events.Subscribe(WalletUpdated.Of(member), OnWalletUpdated);
        _subscribedMember = member;
    }

    // Both handlers are called on the publisher's thread: hand over to the circuit and return at once.
    // Wallet changes come as WalletUpdated (the wallet read once for every panel); the member's RRR events bring link changes.
    private void OnEvent(RrrEvent rrrEvent)
    {
        if (rrrEvent.Type == RrrEventTypes.LinkUpdated && !_disposed)
        {
            _ = InvokeAsync(() => ApplyLinkEventAsync(rrrEvent));
        }
    }

    private void OnWalletUpdated(WalletUpdated change)
    {
        if (!_disposed)
        {
            _ = InvokeAsync(() => ApplyWalletAsync(change));
        }
    }

    private async Task ApplyWalletAsync(WalletUpdated change)
    {
        if (_disposed)
        {
            return;
        }

        // The member is the one this circuit shows (it came from the sign-in); the message only brings its numbers.
        if (change is { Wallet: { } wallet, FetchedAt: { } fetchedAt } && _view is { RrrUnavailable: false } shown && _error is null && !_loading
            && shown.Link.IsLinked && shown.Link.RrrMemberId == change.RrrMemberId)
        {
            if (shown.Wallet is null || wallet.Version >= shown.Wallet.Version)
            {
                _view = new WalletView(WalletAvailability.Live, wallet, fetchedAt, shown.Link);
            }

            // The note first, so the render that shows the numbers shows it too.
            Announce(change.Cause);
            StateHasChanged();
        }
        else
        {
            // RRR could not be read for us, or this panel is between states: the same load as the first paint.
            await LoadAsync(refreshLink: false);
            Announce(change.Cause);
        }

        await WalletChanged.InvokeAsync();
    }

    private async Task ApplyLinkEventAsync(RrrEvent rrrEvent)
    {
        if (_disposed)
        {
            return;
        }

        // A link version this panel already shows (the wizard's own read) needs no new read.
        var known = _view is { RrrUnavailable: false } shown && _error is null && !_loading
            && rrrEvent.ResourceType == "link" && rrrEvent.Version is { } version && shown.Link.Version >= version;
        if (!known)
        {
            await LoadAsync(refreshLink: true);
        }

        Announce(rrrEvent);
        await WalletChanged.InvokeAsync();
    }

    private void Announce(RrrEvent rrrEvent)
    {
        // With a bell on the page, the bell says it (as a notification); the panel speaks only where there is none.
        if (!_disposed && !Announcements.BellAnnounces && WalletEventMessages.Describe(rrrEvent, NoteWords, Reader) is { } message && Announcements.TryClaim(rrrEvent.Id))
        {
            Snackbar.Add(message, Severity.Info);
        }
    }

    // The wizard, the revoke button or the app bar read a new link status: show the points that go with it.
    private void OnLinkChanged(LinkView link)
    {
        if (_disposed || _loading || _view is null || (link.Status == _view.Link.Status && link.RrrMemberId == _view.Link.RrrMemberId))
        {
            return;
        }

        _ = InvokeAsync(() => LoadAsync(refreshLink: false));
    }

    public void Dispose()
    {
        _disposed = true;
        Links.Changed -= OnLinkChanged;
        _cts.Cancel();
        _cts.Dispose();
        _retryTimer?.Dispose();
        _ageTimer?.Dispose();
        _memberSubscription?.Dispose();
        _walletSubscription?.Dispose();
        _userSubscription?.Dispose();
    }
}
