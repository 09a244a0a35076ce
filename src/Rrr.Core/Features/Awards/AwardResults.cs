namespace Rrr.Core.Features.Awards;

public enum AwardOutcome
{
    /// <summary>RRR committed the award.</summary>
    Awarded,

    /// <summary>The form broke a rule; see <see cref="AwardResult.Errors"/>. Nothing was sent.</summary>
    Invalid,

    /// <summary>The viewer has no linked RRR account (RRR's not_linked); no points moved.</summary>
    ViewerNotLinked,

    /// <summary>The model's balance is too small (RRR's insufficient_points); no points moved.</summary>
    InsufficientPoints,

    /// <summary>RRR refused for another reason (e.g. the intent expired); no points moved.</summary>
    Refused,

    /// <summary>RRR could not be reached before anything was sent; no points moved. Retrying is safe.</summary>
    Unavailable,

    /// <summary>RRR could not confirm the commit; retrying with the same dialog settles it without a second award.</summary>
    Unconfirmed,

    /// <summary>The model is not live, the viewer left the room, or the model has no linked RRR account.</summary>
    NotPossible,
}

/// <summary>What happened to one award attempt, with a message written for the model.</summary>
public sealed record AwardResult(
    AwardOutcome Outcome,
    string Message,
    AwardRecord? Award = null,
    IReadOnlyDictionary<string, string[]>? Errors = null,
    long? AvailablePoints = null)
{
    /// <summary>
    /// True when the dialog must make a new client award id before trying again: RRR stored its refusal under
    /// the old key, and a changed viewer or amount under that key would be refused as a reused key.
    /// </summary>
    public bool NeedsNewClientAwardId => Outcome is AwardOutcome.ViewerNotLinked or AwardOutcome.InsufficientPoints or AwardOutcome.Refused;
}

/// <summary>A viewer and what RRR last said about their link (a hint for the model, not a promise).</summary>
public sealed record RoomViewerView(string XcnUserId, string DisplayName, ViewerLinkHint LinkHint);

public enum ViewerLinkHint
{
    Linked,
    NotLinked,
    Unknown,
}

/// <summary>The model's live room as the room page shows it; null room when the model is not live.</summary>
public sealed record ModelRoomView(LiveRoom? Room, IReadOnlyList<RoomViewerView> Viewers)
{
    public static ModelRoomView NotLive { get; } = new(null, []);
}

/// <summary>
/// The live stream's awards for the room page: totals of this stream and of today (UTC), the budget and what is left
/// of it, and the stream's newest awards.
/// </summary>
public sealed record StreamAwardsView(AwardTotals Totals, long? Budget, IReadOnlyList<AwardRecord> Recent)
{
    public long? BudgetLeft => Budget is { } budget ? Math.Max(0, budget - Totals.StreamReservedPoints) : null;
}
