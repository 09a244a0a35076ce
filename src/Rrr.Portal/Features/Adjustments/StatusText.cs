using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Adjustments;

/// <summary>Words and colours for an adjustment's single display status, its progress and its name in accessible labels.</summary>
public static class StatusText
{
    public static string For(AdjustmentView view, IStringLocalizer<AdjustmentText> l)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(l);
        return view.DisplayStatus switch
        {
            "PENDING" => l["StatusPending"],
            "APPROVED" => l["StatusPosting"],
            "EXPIRED" => l["StatusExpired"],
            AdjustmentOutcomes.PendingRrrApproval => l["StatusPendingRrr"],
            AdjustmentOutcomes.Posted => l["StatusPosted"],
            AdjustmentOutcomes.Rejected => l["StatusRejected"],
            AdjustmentOutcomes.PostFailed when view.Outcome?.ErrorCode == AdjustmentOutcomes.ChainBroken => l["StatusChainBroken"],
            AdjustmentOutcomes.PostFailed => view.Outcome?.ErrorCode is { } code ? l["StatusRefusedCode", code] : l["StatusRefused"],
            var other => other,
        };
    }

    /// <summary>Names a request in buttons' accessible names: "+300 points for xcn_u_1001 (TCK-1)".</summary>
    public static string Label(AdjustmentView view, IStringLocalizer<AdjustmentText> l)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(l);
        return l["Label", SignedPoints(view.Payload.Points), view.Payload.XcnUserId, view.Payload.TicketId];
    }

    /// <summary>"1 of 2 XCN approvals · RRR approval needed", as <see cref="AdjustmentView.Progress"/> says it in English.</summary>
    public static string Progress(AdjustmentView view, IStringLocalizer<AdjustmentText> l)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(l);
        var required = view.Policy.RequiredXcnApprovers;
        var count = Math.Min(view.Approval.CurrentApprovals.Count, required);
        string text = l[required == 1 ? "ProgressOne" : "ProgressMany", Number(count), Number(required)];
        if (!view.Policy.RequiresRrrAdmin)
        {
            return text;
        }

        return view.Outcome?.Status switch
        {
            AdjustmentOutcomes.Posted => l["ProgressRrrApproved", text],
            AdjustmentOutcomes.Rejected => l["ProgressRrrRejected", text],
            _ => l["ProgressRrrNeeded", text],
        };
    }

    /// <summary>"+1,250" / "-40" in the reader's number format.</summary>
    public static string SignedPoints(long points) => points.ToString("+#,0;-#,0", CultureInfo.CurrentCulture);

    public static string Number(long n) => n.ToString("N0", CultureInfo.CurrentCulture);

    public static Color ColorFor(AdjustmentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return view.DisplayStatus switch
        {
            AdjustmentOutcomes.Posted => Color.Success,
            AdjustmentOutcomes.Rejected or AdjustmentOutcomes.PostFailed => Color.Error,
            "EXPIRED" => Color.Default,
            _ => Color.Warning,
        };
    }
}
