using Microsoft.Extensions.Localization;
using IFormValidator = FluentValidation.IValidator<Rrr.Core.Features.Adjustments.AdjustmentForm>;

namespace Rrr.Portal.Features.Adjustments;

public sealed partial class AdjustmentRequestForm
{
    private const string MemberField = nameof(AdjustmentForm.XcnUserId);
    private const string PointsField = nameof(AdjustmentForm.Points);
    private const string ReasonField = nameof(AdjustmentForm.ReasonCode);
    private const string TicketField = nameof(AdjustmentForm.TicketId);

    private string _xcnUserId = "";
    private long _points;
    private AdjustmentReason? _reason;
    private string _ticketId = "";
    private Dictionary<string, string> _errors = [];

    [Inject] private IFormValidator Validator { get; set; } = default!;

    /// <summary>Called with a form that passed the validator; the owner submits it and says how it went.</summary>
    [Parameter, EditorRequired] public EventCallback<AdjustmentForm> OnSubmit { get; set; }

    /// <summary>Why the last submit was refused, shown under the form.</summary>
    [Parameter] public string? Error { get; set; }

    /// <summary>Disables the button while a submit runs.</summary>
    [Parameter] public bool Busy { get; set; }

    /// <summary>What the fields start with (an edit); read once, so a re-render never overwrites typing.</summary>
    [Parameter] public AdjustmentForm? Initial { get; set; }

    /// <summary>The member cannot be changed (an edit: a request for someone else is a new request).</summary>
    [Parameter] public bool MemberFixed { get; set; }

    /// <summary>In a paper with a heading (the page), or bare (a dialog with its own title).</summary>
    [Parameter] public bool Framed { get; set; } = true;

    /// <summary>The submit button's text; "Request adjustment" in the reader's language when not set.</summary>
    [Parameter] public string? SubmitText { get; set; }

    /// <summary>When set, a Cancel button stands beside the submit button.</summary>
    [Parameter] public EventCallback OnCancel { get; set; }

    public static string ReasonText(AdjustmentReason reason, IStringLocalizer<AdjustmentText> l)
    {
        ArgumentNullException.ThrowIfNull(l);
        return reason switch
        {
            AdjustmentReason.Goodwill => l["ReasonGoodwill"],
            AdjustmentReason.ServiceRecovery => l["ReasonServiceRecovery"],
            AdjustmentReason.Correction => l["ReasonCorrection"],
            AdjustmentReason.FraudReversal => l["ReasonFraudReversal"],
            _ => l["ReasonPromotionMakegood"],
        };
    }

    protected override void OnInitialized()
    {
        if (Initial is { } initial)
        {
            _xcnUserId = initial.XcnUserId;
            _points = initial.Points;
            _reason = initial.ReasonCode;
            _ticketId = initial.TicketId;
        }
    }

    private bool HasError(string field) => _errors.ContainsKey(field);

    private string? ErrorFor(string field) => _errors.GetValueOrDefault(field);

    // A field's message goes once the field is changed; the others stay until the next submit.
    private void MemberChanged(string value)
    {
        _xcnUserId = value ?? "";
        _errors.Remove(MemberField);
    }

    private void PointsChanged(long points)
    {
        _points = points;
        _errors.Remove(PointsField);
    }

    private void ReasonChanged(AdjustmentReason? reason)
    {
        _reason = reason;
        _errors.Remove(ReasonField);
    }

    private void TicketChanged(string value)
    {
        _ticketId = value ?? "";
        _errors.Remove(TicketField);
    }

    private async Task SubmitAsync()
    {
        var form = new AdjustmentForm(_xcnUserId, _points, _reason, _ticketId);
        var result = await Validator.ValidateAsync(form);
        _errors = result.Errors
            .GroupBy(e => e.PropertyName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().ErrorMessage, StringComparer.Ordinal);
        if (result.IsValid)
        {
            await OnSubmit.InvokeAsync(form);
        }
    }
}
