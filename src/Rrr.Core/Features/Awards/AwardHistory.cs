namespace Rrr.Core.Features.Awards;

/// <summary>
/// Durable record of every award a model started, keyed by (model, client award id): the client award id
/// is made once per award dialog, so a repeated submit finds its first row instead of adding another.
/// Opaque ids only: viewer names are resolved from the room directory when shown, never stored.
/// </summary>
public interface IAwardHistoryStore
{
    /// <summary>Inserts the row unless (model, client award id) exists; returns the stored row either way.</summary>
    Task<AwardRecord> StartAsync(AwardRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a row to a new state. A COMMITTED row only moves on to REVERSED (RRR took the award back), and a
    /// REVERSED row never changes again, so a late or replayed failure cannot undo what RRR confirmed; returns
    /// false then, or when the row does not exist.
    /// </summary>
    Task<bool> UpdateAsync(AwardUpdate update, CancellationToken cancellationToken);

    Task<AwardRecord?> GetAsync(string modelXcnUserId, string clientAwardId, CancellationToken cancellationToken);

    /// <summary>The row RRR's award intent belongs to (what TRANSFER_COMPLETED and TRANSFER_REVERSED name); null when none.</summary>
    Task<AwardRecord?> FindByIntentAsync(string awardIntentId, CancellationToken cancellationToken);

    /// <summary>One model's awards, newest first. Another model's rows are never in the page.</summary>
    Task<AwardHistoryPage> ListAsync(string modelXcnUserId, int skip, int take, CancellationToken cancellationToken);

    /// <summary>
    /// One model's running totals: committed awards of <paramref name="streamId"/>, what that stream holds against its
    /// budget (committed and still pending), and committed awards started since <paramref name="since"/> (today).
    /// </summary>
    Task<AwardTotals> TotalsAsync(string modelXcnUserId, string streamId, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>A model's award totals for the room page and the stream budget.</summary>
/// <param name="StreamReservedPoints">Committed and pending points of the stream: what its budget has given out.</param>
public sealed record AwardTotals(long StreamPoints, int StreamAwards, long StreamReservedPoints, long TodayPoints, int TodayAwards)
{
    public static readonly AwardTotals None = new(0, 0, 0, 0, 0);
}

public enum AwardRecordStatus
{
    /// <summary>Sent to RRR; not yet known to be committed (also after a lost response: a retry settles it).</summary>
    Pending,

    /// <summary>RRR committed it: the model was debited and the viewer credited.</summary>
    Committed,

    /// <summary>RRR refused it (e.g. not_linked, insufficient_points); no points moved.</summary>
    Refused,

    /// <summary>RRR could not be reached before any intent existed; no points moved.</summary>
    NotSent,

    /// <summary>RRR reversed a committed award (TRANSFER_REVERSED): the viewer was debited and the model credited back.</summary>
    Reversed,
}

public sealed record AwardRecord(
    string ModelXcnUserId,
    string ClientAwardId,
    string ModelMemberId,
    string ViewerXcnUserId,
    long Points,
    string RoomId,
    string StreamId,
    AwardRecordStatus Status,
    string? AwardIntentId,
    string? AwardId,
    string? FailureCode,
    string? TraceId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CommittedAt);

public sealed record AwardUpdate(
    string ModelXcnUserId,
    string ClientAwardId,
    AwardRecordStatus Status,
    string? AwardIntentId,
    string? AwardId,
    string? FailureCode,
    string? TraceId,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CommittedAt);

public sealed record AwardHistoryPage(IReadOnlyList<AwardRecord> Items, long Total);

/// <summary>Status spelling in both stores.</summary>
public static class AwardStatusText
{
    public static string Of(AwardRecordStatus status) => status switch
    {
        AwardRecordStatus.Pending => "PENDING",
        AwardRecordStatus.Committed => "COMMITTED",
        AwardRecordStatus.Refused => "REFUSED",
        AwardRecordStatus.NotSent => "NOT_SENT",
        AwardRecordStatus.Reversed => "REVERSED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static AwardRecordStatus Parse(string text) => text switch
    {
        "PENDING" => AwardRecordStatus.Pending,
        "COMMITTED" => AwardRecordStatus.Committed,
        "REFUSED" => AwardRecordStatus.Refused,
        "NOT_SENT" => AwardRecordStatus.NotSent,
        "REVERSED" => AwardRecordStatus.Reversed,
        _ => throw new FormatException($"Unknown award status '{text}'."),
    };
}
