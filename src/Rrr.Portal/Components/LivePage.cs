namespace Rrr.Portal.Components;

/// <summary>
/// A page showing what lives at RRR that reads it again whenever the bus says <typeparamref name="TChange"/>
/// happened, and after each of its own actions. It subscribes and loads only once interactive (a prerender would
/// read RRR for a page about to be replaced); a load cut short because the page closed is no error.
/// </summary>
public abstract class LivePage<TChange> : ComponentBase, IDisposable
    where TChange : class, IPortalMessage
{
    private IDisposable? _subscription;

    /// <summary>Cancelled when the page closes.</summary>
    protected CancellationTokenSource Stop { get; } = new();

    /// <summary>An action is running: the page's buttons wait.</summary>
    protected bool Busy { get; private set; }

    protected abstract PortalTopic<TChange> Topic { get; }

    [Inject] private CircuitEvents Events { get; set; } = default!;

    /// <summary>Reads what the page shows.</summary>
    protected abstract Task LoadAsync();

    /// <summary>Runs once, after subscribing and before the first load (e.g. who the signed-in admin is).</summary>
    protected virtual Task OpenAsync() => Task.CompletedTask;

    /// <summary>Whether a change is about what this page shows; every one by default.</summary>
    protected virtual bool Concerns(TChange change) => true;

    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        _subscription = Events.Subscribe(Topic, OnChanged);
        await OpenAsync();
        await ReloadAsync();
    }

    protected async Task ReloadAsync()
    {
        try
        {
            await LoadAsync();
        }
        catch (OperationCanceledException) when (Stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>One action: <paramref name="done"/> with its value, else <paramref name="refused"/>; the page reloads either way.</summary>
    protected async Task RunAsync<T>(Func<Task<RrrResult<T>>> action, Action<T> done, Action<RrrResult<T>> refused)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(done);
        ArgumentNullException.ThrowIfNull(refused);
        Busy = true;
        try
        {
            var result = await action();
            if (result.IsOk)
            {
                done(result.Value);
            }
            else
            {
                refused(result);
            }
        }
        finally
        {
            Busy = false;
            await ReloadAsync();
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _subscription?.Dispose();
            Stop.Cancel();
            Stop.Dispose();
        }
    }

    private void OnChanged(TChange change)
    {
        if (Concerns(change))
        {
            _ = InvokeAsync(async () =>
            {
                await ReloadAsync();
                StateHasChanged();
            });
        }
    }
}
