using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Checkout;

/// <summary>
/// One checkout order: summary, "Use points" (hold with a live countdown), sandbox payment, result with the new
/// balance. Every step runs through <see cref="CheckoutService"/> (which guards double clicks and refreshes);
/// the page only keeps buttons disabled while a step runs and ticks the countdown on <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class CheckoutOrderPage
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _cts = new();
    private CheckoutOrder? _order;
    private RedeemChoices? _choices;
    private CheckoutNotice _notice;
    private long _selectedPoints;
    private SandboxCard _card = SandboxCard.Approves;
    private long? _balance;
    private bool _busy;
    private bool _notFound;
    private PeriodicTimer? _ticker;
    private Task? _ticking;

    /// <summary>The order number from the address; only ever looked up among the signed-in member's own orders.</summary>
    [Parameter] public string OrderNumber { get; set; } = "";

    // Resolved on use, not injected: without a payment gateway it cannot be built, and the page then says so instead.
    private CheckoutService Checkout => Services.GetRequiredService<CheckoutService>();

    [Inject] private IServiceProvider Services { get; set; } = default!;

    [Inject] private CheckoutAvailability Availability { get; set; } = default!;

    [Inject] private WalletService Wallet { get; set; } = default!;

    [Inject] private IFeatureManager Features { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private TimeProvider Time { get; set; } = default!;

    [Inject] private IStringLocalizer<CheckoutText> L { get; set; } = default!;

    private string Heading => _order?.Kind == CheckoutKind.Topup ? L["BuyPoints"] : L["Checkout"];

    private DateTimeOffset Now => Time.GetUtcNow();

    private bool IsPayable => _order is { Status: CheckoutStatus.Open or CheckoutStatus.PointsHeld };

    private string? PackName => Checkout.Packs.FirstOrDefault(p => p.Id == _order?.PackId)?.Name;

    private string? ReturnTo => _order?.ForOrder is { } forOrder ? CheckoutText.OrderPath(forOrder) : null;

    protected override async Task OnParametersSetAsync()
    {
        if (!Availability.HasPaymentGateway || !await Features.IsEnabledAsync(PortalFeatures.Checkout))
        {
            return;
        }

        if (!RendererInfo.IsInteractive)
        {
            // Prerendering: only decide "yours or 404" (an honest status code); the circuit does the work.
            if (await Checkout.FindAsync(OrderNumber, _cts.Token) is null)
            {
                _notFound = true;
                Navigation.NotFound();
            }

            return;
        }

        // Only the member's own orders are worked on; anything else (or nobody signed in) is "no such order".
        if (await Checkout.FindAsync(OrderNumber, _cts.Token) is null)
        {
            _notFound = true;
            _order = null;
            return;
        }

        await RunAsync(ct => Checkout.ResumeAsync(OrderNumber, ct));
        _ticker ??= new PeriodicTimer(Tick, Time);
        _ticking ??= TickAsync(_ticker);
    }

    private Task PayAsync() => RunAsync(ct => Checkout.PayAsync(OrderNumber, _card, ct));

    private Task CancelAsync() => RunAsync(ct => Checkout.CancelAsync(OrderNumber, ct));

    private async Task TryAgainAsync()
    {
        if (_order?.PackId is not { } packId || _busy)
        {
            return;
        }

        _busy = true;
        try
        {
            var order = await Checkout.StartAsync(packId, _cts.Token);
            Navigation.NavigateTo(CheckoutText.OrderPath(order.OrderNumber));
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Runs one step; a second click while it runs does nothing (and the service would find the first one's result).</summary>
    private async Task RunAsync(Func<CancellationToken, Task<CheckoutStep>> step)
    {
        if (_busy)
        {
            return;
        }

        _busy = true;
        StateHasChanged();
        CheckoutStep result;
        try
        {
            result = await step(_cts.Token);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            _busy = false;
        }

        await ShowStepAsync(result);
    }

    /// <summary>Shows a step's result (this page's, or the "Use points" section's hold and release) and what follows from it.</summary>
    private async Task ShowStepAsync(CheckoutStep step)
    {
        _order = step.Order;
        _notice = step.Notice;
        await AfterStepAsync();
        StateHasChanged();
    }

    private async Task AfterStepAsync()
    {
        if (_order is null)
        {
            return;
        }

        if (_order is { Kind: CheckoutKind.TokenPack, Status: CheckoutStatus.Open })
        {
            await LoadChoicesAsync();
        }

        if (_order.IsFinal || _order.Status == CheckoutStatus.Paid)
        {
            await LoadBalanceAsync();
        }
    }

    private async Task LoadChoicesAsync()
    {
        if (_order is null)
        {
            return;
        }

        _choices = null;
        _choices = await Checkout.GetRedeemChoicesAsync(_order, _cts.Token);

        // Preselect the largest step, as most members who open "Use points" want the most off.
        if (_choices.Options.Count > 0 && !_choices.Options.Any(o => o.Points == _selectedPoints))
        {
            _selectedPoints = _choices.Options[^1].Points;
        }
    }

    private async Task LoadBalanceAsync()
    {
        // The link is asked again: a checkout changes the wallet, and a cached link view must not hide it.
        var result = await Wallet.GetAsync(refreshLink: false, _cts.Token);
        _balance = result is { IsOk: true, Value.Availability: WalletAvailability.Live } ? result.Value.Wallet?.AvailablePoints : null;
    }

    private async Task TickAsync(PeriodicTimer ticker)
    {
        try
        {
            while (await ticker.WaitForNextTickAsync(_cts.Token))
            {
                await InvokeAsync(OnTickAsync);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task OnTickAsync()
    {
        if (_order?.QuoteExpiresAt is not { } expires || !IsPayable || _busy)
        {
            return;
        }

        if (_order.HoldsPoints && Now >= expires)
        {
            // RRR released the escrow by itself; say so and offer a new hold.
            await RunAsync(ct => Checkout.ResumeAsync(OrderNumber, ct));
            return;
        }

        StateHasChanged();
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _ticker?.Dispose();
        if (_ticking is not null)
        {
            await _ticking;
        }

        _cts.Dispose();
    }
}
