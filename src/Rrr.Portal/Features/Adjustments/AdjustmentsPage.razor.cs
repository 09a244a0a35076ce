namespace Rrr.Portal.Features.Adjustments;

public sealed partial class AdjustmentsPage
{
    private static readonly (string Value, string Label)[] Filters =
    [
        ("", "All"),
        ("PENDING", "Waiting for XCN approval"),
        (AdjustmentOutcomes.PendingRrrApproval, "Waiting for RRR approval"),
        (AdjustmentOutcomes.Posted, "Posted"),
        (AdjustmentOutcomes.Rejected, "Rejected"),
        ("EXPIRED", "Expired"),
        (AdjustmentOutcomes.PostFailed, "Refused by RRR"),
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

    protected override async Task LoadAsync()
    {
        var result = await Adjustments.ListAsync(Stop.Token);
        if (result.IsOk)
        {
            _items = Keep(result.Value);
            _loadError = null;
        }
        else
        {
            _loadError = "The requests could not be read just now.";
        }
    }

    private void FilterChanged(string value) => _filter = value ?? "";

    private Task RequestAsync(AdjustmentForm form) => RunAsync(() => Adjustments.RequestAsync(form, Stop.Token), view =>
    {
        _formError = null;
        _formKey++;
        Snackbar.Add($"Adjustment of {view.Payload.Points.ToString("+#,0;-#,0", CultureInfo.InvariantCulture)} points requested; it needs {view.Policy.Describe()}.", Severity.Normal);
    }, isForm: true);

    private Task ApproveAsync(AdjustmentView view) => RunAsync(
        () => Adjustments.ApproveAsync(view.Id, view.Approval.Request.PayloadVersion, Stop.Token),
        after => Snackbar.Add($"Approved. {after.Progress}; status {StatusText.For(after)}.", Severity.Normal));

    private async Task EditAsync(AdjustmentView view)
    {
        var parameters = new DialogParameters<AdjustmentEditDialog> { { d => d.View, view } };
        var dialog = await Dialogs.ShowAsync<AdjustmentEditDialog>(
            "Edit adjustment request", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseButton = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: AdjustmentView edited })
        {
            Snackbar.Add($"Saved. Approvals were reset: {edited.Progress}; it now needs {edited.Policy.Describe()}.", Severity.Normal);
            await ReloadAsync();
        }
    }

    private Task RejectAsync((AdjustmentView View, string Reason) decision) => RunAsync(
        () => Adjustments.RejectAsync(decision.View.Id, decision.Reason, Stop.Token),
        _ => Snackbar.Add("Rejected.", Severity.Normal));

    private Task RetryAsync(AdjustmentView view) => RunAsync(
        () => Adjustments.RetryPostAsync(view.Id, Stop.Token),
        after => Snackbar.Add($"Posted again: {StatusText.For(after)}.", Severity.Normal));

    private Task RunAsync<T>(Func<Task<RrrResult<T>>> action, Action<T> done, bool isForm = false) => RunAsync(action, done, refused =>
    {
        // The service's own words for a refusal; an RRR failure passed on as it came gets a general line.
        var message = refused.Message ?? "RRR could not be reached just now; try again shortly.";
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
