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
            AdjustmentOutcomes.PostFailed when view.Outcome?.ErrorCode == AdjustmentOutcomes.ChainBroken => "Not posted: does not match the approval chain",
            AdjustmentOutcomes.PostFailed => view.Outcome?.ErrorCode is { } code ? $"Refused by RRR ({code})" : "Refused by RRR",
            var other => other,
        };
    }

    /// <summary>Names a request in buttons' accessible names: "+300 points for xcn_u_1001 (TCK-1)".</summary>
    public static string Label(AdjustmentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return $"{view.Payload.Points.ToString("+#,0;-#,0", CultureInfo.InvariantCulture)} points for {view.Payload.XcnUserId} ({view.Payload.TicketId})";
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
