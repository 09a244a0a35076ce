using FluentValidation;
using Microsoft.Extensions.Localization;
using Severity = MudBlazor.Severity;

namespace Rrr.Portal.Features.Awards;

/// <summary>
/// Pick a viewer and an amount, confirm, award. The client award id is made once when the dialog opens, so
/// a double click, or a retry after RRR did not answer, is one award; it is renewed only after RRR refused.
/// Closes with the <see cref="AwardResult"/> when RRR committed the award.
/// </summary>
public sealed partial class AwardDialog : IDisposable
{
    private const string ViewerField = nameof(AwardRequest.ViewerXcnUserId);
    private const string PointsField = nameof(AwardRequest.Points);

    private readonly CancellationTokenSource _cts = new();
    private Dictionary<string, string[]> _errors = [];
    private string _clientAwardId = "";
    private Step _step = Step.Choose;
    private string? _viewerId;
    private long _preset;
    private long? _custom;
    private bool _posting;
    private string? _message;
    private string? _hint;
    private Severity _messageSeverity = Severity.Warning;

    private enum Step
    {
        Choose,
        Confirm,
    }

    [CascadingParameter] private IMudDialogInstance MudDialog { get; set; } = default!;

    [Inject] private AwardService Awards { get; set; } = default!;

    [Inject] private IValidator<AwardRequest> Validator { get; set; } = default!;

    [Inject] private IStringLocalizer<AwardText> L { get; set; } = default!;

    /// <summary>The model's live room: its ids are shown on the confirm step.</summary>
    [Parameter, EditorRequired] public LiveRoom Room { get; set; } = default!;

    /// <summary>The viewers to choose from, with link hints.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<RoomViewerView> Viewers { get; set; } = [];

    /// <summary>The viewer whose Award button opened the dialog, if any.</summary>
    [Parameter] public string? ViewerXcnUserId { get; set; }

    /// <summary>Amounts offered as chips.</summary>
    [Parameter] public IReadOnlyList<long> Presets { get; set; } = [10, 50, 100, 500];

    /// <summary>The largest amount one award may carry.</summary>
    [Parameter] public long MaxPoints { get; set; } = 10_000;

    private long? Points => _custom ?? (_preset > 0 ? _preset : null);

    private string ViewerName => Viewers.FirstOrDefault(v => v.XcnUserId == _viewerId)?.DisplayName ?? _viewerId ?? "";

    protected override void OnInitialized()
    {
        _clientAwardId = AwardService.NewClientAwardId();
        _viewerId = ViewerXcnUserId;
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    private static string Number(long n) => n.ToString("N0", CultureInfo.CurrentCulture);

    private string PointsText(long n) => L[n == 1 ? "PointsOne" : "PointsMany", Number(n)];

    private string HintText(ViewerLinkHint hint) => hint switch
    {
        ViewerLinkHint.Linked => L["HintLinkedInline"],
        ViewerLinkHint.NotLinked => L["HintNotLinkedInline"],
        _ => L["HintUnknownInline"],
    };

    private bool HasError(string field) => _errors.ContainsKey(field);

    private string? ErrorFor(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private void PresetChanged(long value)
    {
        _preset = value;
        if (value > 0)
        {
            _custom = null;
        }

        _errors.Remove(PointsField);
    }

    private void CustomChanged(long? value)
    {
        _custom = value;
        if (value is not null)
        {
            _preset = 0;
        }

        _errors.Remove(PointsField);
    }

    private async Task ContinueAsync()
    {
        var validation = await Validator.ValidateAsync(new AwardRequest(_clientAwardId, _viewerId, Points), _cts.Token);
        _errors = new Dictionary<string, string[]>(validation.ToDictionary());
        if (validation.IsValid)
        {
            _message = null;
            _hint = null;
            _step = Step.Confirm;
        }
    }

    private void Back() => _step = Step.Choose;

    private void Cancel() => MudDialog.Cancel();

    private async Task ConfirmAsync()
    {
        // The button is disabled while posting; this guard covers a second click already on its way.
        if (_posting)
        {
            return;
        }

        _posting = true;
        try
        {
            var result = await Awards.AwardAsync(new AwardRequest(_clientAwardId, _viewerId, Points), _cts.Token);
            Apply(result);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        finally
        {
            _posting = false;
        }
    }

    private void Apply(AwardResult result)
    {
        if (result.Outcome == AwardOutcome.Awarded)
        {
            MudDialog.Close(DialogResult.Ok(result));
            return;
        }

        if (result.NeedsNewClientAwardId)
        {
            _clientAwardId = AwardService.NewClientAwardId();
        }

        _errors = result.Errors is null ? [] : new Dictionary<string, string[]>(result.Errors);
        _message = result.Message;
        _messageSeverity = result.Outcome is AwardOutcome.Unavailable or AwardOutcome.Unconfirmed ? Severity.Error : Severity.Warning;
        _hint = result.Outcome == AwardOutcome.ViewerNotLinked
            ? L["AskToLink"].Value
            : null;
        if (result.Outcome == AwardOutcome.InsufficientPoints)
        {
            _errors[PointsField] = [result.Message];
        }

        // Outages keep the confirm step and the same id: confirming again cannot award twice.
        if (result.Outcome is not (AwardOutcome.Unavailable or AwardOutcome.Unconfirmed))
        {
            _step = Step.Choose;
        }
    }
}
