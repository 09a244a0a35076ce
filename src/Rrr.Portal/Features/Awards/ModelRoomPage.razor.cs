using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Awards;

/// <summary>The model's live room (from XCN's directory): stream info, viewers with link hints, the award dialog, the stream's totals and feed.</summary>
public sealed partial class ModelRoomPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private ModelRoomView? _room;
    private ModelBalanceCard? _balance;
    private StreamAwardsCard? _stream;

    [Inject] private AwardService Awards { get; set; } = default!;

    [Inject] private IOptions<AwardOptions> Options { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Inject] private OwnAwardAnnouncements OwnAwards { get; set; } = default!;

    [Inject] private IStringLocalizer<AwardText> L { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        // Prerendering shows the skeleton; the circuit asks XCN and RRR.
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        // Before any award of this page: RRR's word on it must find the claim (the room's toast is the one the model sees).
        OwnAwards.Follow();
        try
        {
            _room = await Awards.GetRoomAsync(_cts.Token);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    private static string Initial(string name) => string.IsNullOrEmpty(name) ? "?" : name[..1].ToUpperInvariant();

    private async Task OpenAwardAsync(string? viewerXcnUserId)
    {
        if (_room?.Room is not { } room)
        {
            return;
        }

        var parameters = new DialogParameters<AwardDialog>
        {
            { d => d.Room, room },
            { d => d.Viewers, _room.Viewers },
            { d => d.ViewerXcnUserId, viewerXcnUserId },
            { d => d.Presets, Options.Value.EffectivePresets },
            { d => d.MaxPoints, Options.Value.MaxPoints },
        };
        var dialog = await Dialogs.ShowAsync<AwardDialog>(
            L["AwardPoints"], parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseButton = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: AwardResult { Award: { } award } })
        {
            var name = _room.Viewers.FirstOrDefault(v => v.XcnUserId == award.ViewerXcnUserId)?.DisplayName ?? L["TheViewer"];
            Snackbar.Add(L["AwardedTo", award.Points.ToString("N0", CultureInfo.CurrentCulture), name], Severity.Normal,
                // Normal (dark) rather than Success: MudBlazor's green with white text fails contrast (axe).
                o => o.Icon = Icons.Material.Filled.CheckCircle);
            if (_balance is not null)
            {
                await _balance.ReloadAsync();
            }

            if (_stream is not null)
            {
                await _stream.ReloadAsync();
            }
        }
    }
}
