using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Notifications;

/// <summary>
/// The unread count of the signed-in member's notifications, kept live: a new one (from any instance of this
/// member's pages) counts up and shows a toast, unless the points panel already announced the same RRR event.
/// </summary>
public sealed partial class NotificationBell : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly List<IDisposable> _subscriptions = [];
    private int _unread;
    private string? _followedMember;
    private IDisposable? _presence;
    private bool _disposed;

    [Inject] private NotificationService Notifications { get; set; } = default!;

    [Inject] private LinkStatusService Links { get; set; } = default!;

    [Inject] private CircuitEvents Events { get; set; } = default!;

    [Inject] private CircuitAnnouncements Announcements { get; set; } = default!;

    [Inject] private IXcnUserNames Names { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Inject] private ILogger<NotificationBell> Logger { get; set; } = default!;

    [Inject] private IStringLocalizer<NotificationWords> Words { get; set; } = default!;

    [Inject] private ReaderTime Reader { get; set; } = default!;

    // Whether the stored count has been read: before that the badge's 0 means "not yet", not "none".
    private bool _counted;

    private string Label => _unread switch
    {
        0 => Words["Bell"].Value,
        1 => Words["BellOne", 1.ToString(CultureInfo.CurrentCulture)].Value,
        _ => Words["BellMany", _unread.ToString("N0", CultureInfo.CurrentCulture)].Value,
    };

    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        _presence = Announcements.BellPresent();
        Notifications.ReadsChanged += OnReadsChanged;
        Links.Changed += OnLinkChanged;
        await FollowAsync();
    }

    // The member's keys change when they link (their RRR member joins): follow and count again.
    private async Task FollowAsync()
    {
        try
        {
            var recipients = await Notifications.RecipientsAsync(_cts.Token);

            // Closed while the keys were read: subscribing now would outlive the component.
            if (_disposed)
            {
                return;
            }

            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            _subscriptions.Clear();
            _subscriptions.AddRange(recipients.Select(r => Events.Subscribe(NotificationAdded.For(r), OnAdded)));
            _followedMember = recipients.Count > 1 ? recipients[1].Key : null;
            _unread = await Notifications.CountUnreadAsync(_cts.Token);
            _counted = true;
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // the bell is a convenience: a store hiccup leaves it at its last count
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnavailable(Logger, ex.GetType().Name);
        }
    }

    private void OnAdded(NotificationAdded added) => _ = InvokeAsync(async () =>
    {
        if (_disposed)
        {
            return;
        }

        _unread++;
        if (Announcements.TryClaim(added.SourceEventId))
        {
            var model = added.Notification.Values.GetValueOrDefault("model_xcn_user_id");
            var name = model is null ? null : await Names.GetDisplayNameAsync(model, _cts.Token);
            Snackbar.Add(NotificationText.Describe(added.Notification, Words, Reader, name), Severity.Info);
        }

        StateHasChanged();
    });

    private void OnReadsChanged() => Refollow();

    private void OnLinkChanged(LinkView link)
    {
        var member = link.IsLinked ? NotificationRecipient.RrrMember(link.RrrMemberId!).Key : null;
        if (member == _followedMember || _disposed)
        {
            return;
        }

        Refollow();
    }

    private void Refollow() => _ = InvokeAsync(async () =>
    {
        await FollowAsync();
        StateHasChanged();
    });

    public void Dispose()
    {
        _disposed = true;
        _presence?.Dispose();
        Notifications.ReadsChanged -= OnReadsChanged;
        Links.Changed -= OnLinkChanged;
        _cts.Cancel();
        _cts.Dispose();
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification count unavailable ({ErrorClass})")]
    private static partial void LogUnavailable(ILogger logger, string errorClass);
}
