namespace Rrr.Core.Features.Awards;

/// <summary>
/// The signed-in model's live stream as the room page shows it (totals of this stream and of today in UTC, the
/// budget, the newest awards), and the stream budget rule the award flow applies.
/// </summary>
public sealed class StreamAwards(
    CurrentMemberService members, IXcnRoomDirectory rooms, IAwardHistoryStore history, IOptions<AwardOptions> options, TimeProvider time)
{
    /// <summary>The newest awards of the live stream kept on the room page.</summary>
    public const int RecentAwards = 10;

    /// <summary>Null when the model is not live.</summary>
    public async Task<StreamAwardsView?> GetAsync(CancellationToken cancellationToken)
    {
        var model = await members.GetAsync(refreshLink: false, cancellationToken);
        if (await rooms.GetCurrentRoomAsync(model.XcnUserId, cancellationToken) is not { } room)
        {
            return null;
        }

        var today = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        var totals = await history.TotalsAsync(model.XcnUserId, room.StreamId, today, cancellationToken);

        // The model's newest page holds the stream's newest awards: a live stream is the latest thing a model does.
        var newest = await history.ListAsync(model.XcnUserId, 0, RecentAwards, cancellationToken);
        return new StreamAwardsView(totals, options.Value.StreamBudget, [.. newest.Items.Where(a => a.StreamId == room.StreamId)]);
    }

    /// <summary>
    /// The points left in the stream's budget when <paramref name="stored"/> would go beyond it, else null. Checked after
    /// the award's row is stored: any other award that could count is then seen by this check or sees this row in its
    /// own, so two awards at once (two tabs, two instances) can both be refused but never both pass beyond the budget.
    /// An award RRR already holds an intent for is past this point and goes on.
    /// </summary>
    internal static async Task<long?> LeftWhenOverBudgetAsync(
        IAwardHistoryStore history, AwardRecord stored, long? budget, CancellationToken cancellationToken)
    {
        if (budget is not { } limit || stored.AwardIntentId is not null)
        {
            return null;
        }

        var totals = await history.TotalsAsync(stored.ModelXcnUserId, stored.StreamId, stored.CreatedAt, cancellationToken);
        var others = totals.StreamReservedPoints - (stored.Status == AwardRecordStatus.Pending ? stored.Points : 0);
        return others + stored.Points <= limit ? null : Math.Max(0, limit - others);
    }
}
