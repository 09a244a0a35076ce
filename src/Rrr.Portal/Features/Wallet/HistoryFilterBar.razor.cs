using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Wallet;

/// <summary>
/// The history's filter: kinds (none = all) and a UTC date range, both ends inclusive. The same rules as the export
/// endpoint (<see cref="HistoryFilter.FromIssue"/>, <see cref="HistoryFilter.ToIssue"/>) are shown, in the member's language, under each date
/// while it is edited, and a filter with a problem cannot be applied. The export link carries the applied filter, so
/// the file holds what the table shows.
/// </summary>
public sealed partial class HistoryFilterBar
{
    private IReadOnlyCollection<HistoryKind> _kinds = [];
    private DateTime? _from;
    private DateTime? _to;

    [Inject] private TimeProvider Time { get; set; } = default!;

    [Inject] private IStringLocalizer<WalletText> L { get; set; } = default!;

    /// <summary>The filter the table shows now (the export link is built from it).</summary>
    [Parameter] public HistoryFilter Applied { get; set; } = HistoryFilter.Everything;

    /// <summary>Raised with the new filter when the member applies valid fields.</summary>
    [Parameter] public EventCallback<HistoryFilter> OnApply { get; set; }

    /// <summary>Offer the CSV export (off while there is no ledger to export, e.g. no linked account).</summary>
    [Parameter] public bool ExportEnabled { get; set; } = true;

    /// <summary>Today as a UTC day: the portal knows no member time zone, and RRR's dates are UTC.</summary>
    private DateOnly Today => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);

    private DateTime TodayAsDate => Today.ToDateTime(TimeOnly.MinValue);

    private DateOnly? From => _from is { } from ? DateOnly.FromDateTime(from) : null;

    private DateOnly? To => _to is { } to ? DateOnly.FromDateTime(to) : null;

    private string? FromError => HistoryText.DateIssue(HistoryFilter.FromIssue(From, Today), L);

    private string? ToError => HistoryText.DateIssue(HistoryFilter.ToIssue(From, To, Today), L);

    private bool CanApply => RendererInfo.IsInteractive && FromError is null && ToError is null;

    protected override void OnInitialized()
    {
        // The fields start from what is applied; after that they are the member's edits until applied.
        _kinds = [.. Applied.Kinds];
        _from = Applied.From?.ToDateTime(TimeOnly.MinValue);
        _to = Applied.To?.ToDateTime(TimeOnly.MinValue);
    }

    private async Task ApplyAsync()
    {
        if (CanApply)
        {
            await OnApply.InvokeAsync(new HistoryFilter(_kinds, From, To));
        }
    }
}
