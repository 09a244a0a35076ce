using MudBlazor;
using Rrr.Core.Features.Adjustments;

namespace Rrr.Portal.Features.Adjustments;

/// <summary>Words and colours for an adjustment's single display status.</summary>
public static class StatusText
{
    public static string For(AdjustmentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return view.DisplayStatus switch
        {
            "PENDING" => "Waiting for XCN approval",
            "APPROVED" => "Posting to RRR",
            "EXPIRED" => "Expired",
            AdjustmentOutcomes.PendingRrrApproval => "Waiting for RRR approval",
            AdjustmentOutcomes.Posted => "Posted",
            AdjustmentOutcomes.Rejected => "Rejected",
            AdjustmentOutcomes.PostFailed => view.Outcome?.ErrorCode is { } code ? $"Refused by RRR ({code})" : "Refused by RRR",
            var other => other,
        };
    }

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
