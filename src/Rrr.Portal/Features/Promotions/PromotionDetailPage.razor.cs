using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Promotions;

/// <summary>
/// One promotion: RRR's record, the approval progress and history, and what the signed-in admin may do. Buttons
/// follow the rules only as a courtesy: the service refuses the same things on the server.
/// </summary>
public sealed partial class PromotionDetailPage
{
    private PromotionDetail? _detail;
    private PromotionForm? _edit;
    private string? _adminId;
    private string? _error;
    private bool _editing;
    private bool _unavailable;
    private bool _notFound;

    /// <summary>RRR's promotion id.</summary>
    [Parameter] public string PromotionId { get; set; } = "";

    [Inject] private PromotionService Promotions { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Inject] private TimeProvider Time { get; set; } = default!;

    [Inject] private IStringLocalizer<PromotionText> L { get; set; } = default!;

    private bool IsMaker => _detail is not null && _adminId is not null && _detail.Promotion.CreatedBy == _adminId;

    private ApprovalView? Round => _detail?.CurrentRound;

    private bool AlreadyDecided => Round is not null && Round.Records.Any(r =>
        r.ActorId == _adminId && r.Action is ApprovalAction.Approved or ApprovalAction.Rejected);

    private bool CanDecide => _adminId is not null && !IsMaker && Round is not null && !AlreadyDecided
        && Round.Request.StatusAt(Time.GetUtcNow()) == ApprovalStatus.Pending;

    private string? Note => _detail?.Promotion.Status != PromotionStatus.PendingApproval ? null
        : IsMaker ? L["NoteMaker"].Value
        : AlreadyDecided ? L["NoteDecided"].Value
        : Round?.Request.Status == ApprovalStatus.Approved ? L["NoteXcnDone"].Value
        : null;

    protected override PortalTopic<PromotionChanged> Topic => PromotionChanged.Any;

    protected override bool Concerns(PromotionChanged change) => change.PromotionId == PromotionId;

    protected override async Task OpenAsync() => _adminId = await Promotions.CurrentAdminIdAsync(Stop.Token);

    protected override async Task LoadAsync()
    {
        var result = await Promotions.GetAsync(PromotionId, Stop.Token);
        if (result.IsOk)
        {
            _detail = result.Value;
            _unavailable = false;
        }
        else if (result.Is(RrrErrorCodes.NotFound))
        {
            _notFound = true;
        }
        else
        {
            _unavailable = true;
        }
    }

    private void StartEdit()
    {
        _edit = PromotionForm.From(_detail!.Promotion);
        _error = null;
        _editing = true;
    }

    private Task SaveAsync(PromotionForm form) => RunAsync(
        () => Promotions.EditAsync(PromotionId, _detail!.Promotion.Version, form, Stop.Token),
        _ =>
        {
            _editing = false;
            Snackbar.Add(L["Saved"], Severity.Normal);
        });

    private Task SubmitAsync() => RunAsync(
        () => Promotions.SubmitAsync(PromotionId, _detail!.Promotion.Version, Stop.Token),
        _ => Snackbar.Add(L["Submitted"], Severity.Normal));

    /// <summary>The round and version on screen now: a decision is about what the admin read, not what is current by the time it lands.</summary>
    private (string RoundId, long Version)? Shown =>
        Round is { } round ? (round.Request.Id, PromotionRoundPayload.FromJson(round.Request.PayloadJson).SubmittedVersion) : null;

    private Task ApproveAsync()
    {
        var shown = Shown;
        return shown is not { } seen ? Task.CompletedTask : RunAsync(
            () => Promotions.ApproveAsync(PromotionId, seen.RoundId, seen.Version, Stop.Token),
            after => Snackbar.Add(L["Approved", after.Progress.Text], Severity.Normal));
    }

    private async Task RejectAsync()
    {
        // Taken before the dialog opens: the page may reload while the reason is typed.
        if (Shown is not { } seen)
        {
            return;
        }

        var dialog = await Dialogs.ShowAsync<RejectPromotionDialog>(
            L["RejectTitle"],
            new DialogParameters<RejectPromotionDialog> { { d => d.Name, _detail!.Promotion.Name } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        if (result is null || result.Canceled || result.Data is not string reason)
        {
            return;
        }

        await RunAsync(
            () => Promotions.RejectAsync(PromotionId, seen.RoundId, seen.Version, reason, Stop.Token),
            _ => Snackbar.Add(L["Rejected"], Severity.Normal));
    }

    private Task ResendAsync() => RunAsync(
        () => Promotions.ResendDecisionAsync(PromotionId, Stop.Token),
        _ => Snackbar.Add(L["SentToRrr"], Severity.Normal));

    /// <summary>One action; a refusal shows the service's words, an RRR failure it passed on as it came a general line.</summary>
    private Task RunAsync<T>(Func<Task<RrrResult<T>>> action, Action<T> done)
    {
        _error = null;
        return RunAsync(action, done, refused => _error = refused.Message ?? L["ActionUnavailable"]);
    }
}
