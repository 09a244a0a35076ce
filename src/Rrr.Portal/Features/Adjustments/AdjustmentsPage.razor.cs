using Rrr.Core.Features.Approvals;
using Rrr.Portal.Features.Approvals;

namespace Rrr.Portal.Features.Adjustments;

public sealed partial class AdjustmentsPage
{
    private (string Value, string Label)[] Filters() =>
    [
        ("", L["FilterAll"]),
        ("PENDING", L["StatusPending"]),
        (AdjustmentOutcomes.PendingRrrApproval, L["StatusPendingRrr"]),
        (AdjustmentOutcomes.Posted, L["StatusPosted"]),
        (AdjustmentOutcomes.Rejected, L["StatusRejected"]),
        ("EXPIRED", L["StatusExpired"]),
        (AdjustmentOutcomes.PostFailed, L["StatusRefused"]),
    ];

    private readonly Dictionary<string, AdjustmentRow> _rows = new(StringComparer.Ordinal);
    private IReadOnlyList<AdjustmentRow>? _items;
    private string? _adminId;
    private string _filter = "";
    private string? _formError;
    private string? _loadError;
    private int _formKey;

    private List<AdjustmentRow> Shown => (_items ?? []).Where(r => _filter == "" || r.View.DisplayStatus == _filter).ToList();

    protected override PortalTopic<AdjustmentRequestChanged> Topic => AdjustmentRequestChanged.Any;

    protected override async Task OpenAsync() => _adminId = await Adjustments.CurrentAdminIdAsync(Stop.Token);

    /// <summary>One request only (the approvals queue's and notifications' deep link); the whole list when absent.</summary>
    [SupplyParameterFromQuery(Name = "request")]
    public string? RequestId { get; set; }

    private string? _loadedFor;
    private bool _requestMissing;

    private bool OneRequest => !string.IsNullOrWhiteSpace(RequestId);

    protected override async Task OnParametersSetAsync()
    {
        // The same page instance follows a link from one request to the whole list (or another request).
        if (_items is not null && _loadedFor != RequestId)
        {
            await ReloadAsync();
        }
    }

    protected override async Task LoadAsync()
    {
        _loadedFor = RequestId;
        _requestMissing = false;
        var result = OneRequest ? await OneAsync(RequestId!.Trim()) : await Adjustments.ListAsync(Stop.Token);
        if (result.IsOk)
        {
            _items = Keep(result.Value);
            _loadError = null;
        }
        else if (result.Is(ApprovalErrors.NotFound))
        {
            _items = [];
            _requestMissing = true;
            _loadError = null;
        }
        else
        {
            _loadError = L["LoadError"];
        }
    }

    private async Task<RrrResult<IReadOnlyList<AdjustmentView>>> OneAsync(string requestId)
    {
        var one = await Adjustments.GetAsync(requestId, Stop.Token);
        return one.IsOk ? RrrResult.Ok<IReadOnlyList<AdjustmentView>>([one.Value]) : one.Failed<IReadOnlyList<AdjustmentView>>();
    }

    private void FilterChanged(string value) => _filter = value ?? "";

    private Task RequestAsync(AdjustmentForm form) => RunAsync(form.XcnUserId.Trim(), () => Adjustments.RequestAsync(form, Stop.Token), view =>
    {
        _formError = null;
        _formKey++;
        Snackbar.Add(L["Requested", StatusText.SignedPoints(view.Payload.Points), ApprovalWords.Policy(view.Policy, A)], Severity.Normal);
    }, isForm: true);

    private Task ApproveAsync(AdjustmentView view) => RunAsync(
        view.Payload.XcnUserId,
        () => Adjustments.ApproveAsync(view.Id, view.Approval.Request.PayloadVersion, Stop.Token),
        after => Snackbar.Add(L["Approved", StatusText.Progress(after, L), StatusText.For(after, L)], Severity.Normal));

    private async Task EditAsync(AdjustmentView view)
    {
        var parameters = new DialogParameters<AdjustmentEditDialog> { { d => d.View, view } };
        var dialog = await Dialogs.ShowAsync<AdjustmentEditDialog>(
            L["EditTitle"], parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseButton = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: AdjustmentView edited })
        {
            Snackbar.Add(L["Saved", StatusText.Progress(edited, L), ApprovalWords.Policy(edited.Policy, A)], Severity.Normal);
            await ReloadAsync();
        }
    }

    private Task RejectAsync((AdjustmentView View, string Reason) decision) => RunAsync(
        decision.View.Payload.XcnUserId,
        () => Adjustments.RejectAsync(decision.View.Id, decision.Reason, Stop.Token),
        _ => Snackbar.Add(L["Rejected"], Severity.Normal));

    private Task RetryAsync(AdjustmentView view) => RunAsync(
        view.Payload.XcnUserId,
        () => Adjustments.RetryPostAsync(view.Id, Stop.Token),
        after => Snackbar.Add(L["PostedAgain", StatusText.For(after, L)], Severity.Normal));

    private Task RunAsync<T>(string member, Func<Task<RrrResult<T>>> action, Action<T> done, bool isForm = false) => RunAsync(action, done, refused =>
    {
        // The service's refusal in the reader's words; an RRR failure passed on as it came gets a general line.
        var message = refused.Message is { } said ? AdjustmentRefusals.Explain(refused.Code, said, member, L) : L["Unreachable"];
        if (isForm)
        {
            _formError = message;
        }
        else
        {
            Snackbar.Add(message, Severity.Error);
        }
    });

    /// <summary>The same row object for the same request id from one load to the next, holding the newest view.</summary>
    private List<AdjustmentRow> Keep(IReadOnlyList<AdjustmentView> views)
    {
        var rows = new List<AdjustmentRow>(views.Count);
        foreach (var view in views)
        {
            if (_rows.TryGetValue(view.Id, out var row))
            {
                row.View = view;
            }
            else
            {
                _rows[view.Id] = row = new AdjustmentRow(view);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A table row: reference identity, so the table's per-item key stays put while the view inside changes.</summary>
    private sealed class AdjustmentRow(AdjustmentView view)
    {
        public string Id { get; } = view.Id;

        public AdjustmentView View { get; set; } = view;
    }
}
