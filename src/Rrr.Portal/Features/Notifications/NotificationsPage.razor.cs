using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Notifications;

/// <summary>The signed-in member's notification inbox: newest first, paged, read marks, new ones arriving live.</summary>
public sealed partial class NotificationsPage : IDisposable
{
    private const int PageSize = 20;
    private readonly CancellationTokenSource _cts = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private List<Notification>? _items;
    private int _unread;
    private bool _hasMore;
    private bool _busy;
    private bool _unavailable;

    [Inject] private NotificationService Notifications { get; set; } = default!;

    [Inject] private CircuitEvents Events { get; set; } = default!;

    [Inject] private IXcnUserNames Names { get; set; } = default!;

    [Inject] private ILogger<NotificationsPage> Logger { get; set; } = default!;

    [Inject] private IStringLocalizer<NotificationWords> L { get; set; } = default!;

    [Inject] private ReaderTime Reader { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        await RunAsync(async ct =>
        {
            foreach (var recipient in await Notifications.RecipientsAsync(ct))
            {
                _subscriptions.Add(Events.Subscribe(NotificationAdded.For(recipient), OnAdded));
            }

            await LoadAsync(0, ct);
        });
    }

    private string Text(Notification item) =>
        NotificationText.Describe(item, L, Reader, item.Values.TryGetValue("model_xcn_user_id", out var model) ? _names.GetValueOrDefault(model) : null);

    private string UnreadText => _unread switch
    {
        0 => L["AllRead"].Value,
        1 => L["UnreadOne", 1.ToString(CultureInfo.CurrentCulture)].Value,
        _ => L["UnreadMany", _unread.ToString("N0", CultureInfo.CurrentCulture)].Value,
    };

    private Task LoadMoreAsync() => RunAsync(ct => LoadAsync(_items?.Count ?? 0, ct));

    private async Task LoadAsync(int skip, CancellationToken ct)
    {
        var page = await Notifications.ListAsync(skip, PageSize, ct);
        await LearnNamesAsync(page.Items, ct);
        _items = skip == 0 ? [.. page.Items] : [.. _items ?? [], .. page.Items];
        _unread = page.Unread;
        _hasMore = page.HasMore;
    }

    private Task MarkReadAsync(Notification item) => RunAsync(async ct =>
    {
        await Notifications.MarkReadAsync(item.Id, ct);
        await LoadAsync(0, ct);
    });

    private Task MarkAllReadAsync() => RunAsync(async ct =>
    {
        await Notifications.MarkAllReadAsync(ct);
        await LoadAsync(0, ct);
    });

    private void OnAdded(NotificationAdded added) => _ = InvokeAsync(async () =>
    {
        if (_items is null || _items.Any(i => i.Id == added.Notification.Id))
        {
            return;
        }

        await LearnNamesAsync([added.Notification], _cts.Token);
        _items.Insert(0, added.Notification);
        _unread++;
        StateHasChanged();
    });

    private async Task LearnNamesAsync(IEnumerable<Notification> items, CancellationToken ct)
    {
        foreach (var model in items.Select(i => i.Values.GetValueOrDefault("model_xcn_user_id")).OfType<string>().Distinct().Where(m => !_names.ContainsKey(m)))
        {
            if (await Names.GetDisplayNameAsync(model, ct) is { } name)
            {
                _names[model] = name;
            }
        }
    }

    // Every store call of the page: busy while it runs, a plain warning (not an error page) when the store fails.
    private async Task RunAsync(Func<CancellationToken, Task> work)
    {
        _busy = true;
        try
        {
            await work(_cts.Token);
            _unavailable = false;
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // shown as "can't be loaded right now"; the class name is logged
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnavailable(Logger, ex.GetType().Name);
            _unavailable = true;
        }
        finally
        {
            _busy = false;
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifications unavailable ({ErrorClass})")]
    private static partial void LogUnavailable(ILogger logger, string errorClass);
}
