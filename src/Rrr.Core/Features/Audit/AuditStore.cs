namespace Rrr.Core.Features.Audit;

/// <summary>Append-only audit trail of who did what, and which RRR call it caused.</summary>
public interface IAuditStore
{
    Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken);

    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken);
}

/// <summary>One audit event. Actor and subject are opaque ids, never names or e-mails.</summary>
public sealed record AuditEvent(
    string Id,
    DateTimeOffset OccurredAt,
    string ActorId,
    string Kind,
    string? SubjectId,
    string? TraceId,
    string? IdempotencyKey,
    string? Outcome);

/// <summary>
/// Filters are optional and combine with AND. <c>From</c> is inclusive and <c>To</c> exclusive, so
/// consecutive ranges never count an event twice. Results come newest first.
/// </summary>
/// <param name="Before">Keyset paging: only events after this one in result order (use instead of <c>Skip</c>).</param>
/// <param name="CountTotal">False skips the count; <see cref="AuditPage.Total"/> is then <see cref="AuditPage.NotCounted"/>.</param>
/// <param name="CountUpTo">Stops counting past this many matches (<see cref="AuditPage.TotalIsLowerBound"/>); null counts all.</param>
public sealed record AuditQuery(
    string? ActorId = null,
    string? Kind = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Skip = 0,
    int Take = 50,
    AuditCursor? Before = null,
    bool CountTotal = true,
    int? CountUpTo = null)
{
    /// <summary>What a screen counts to: beyond it "10,000+" says enough, and counting a million rows per page does not pay.</summary>
    public const int ScreenCountLimit = 10_000;
}

/// <summary>The last event of a page (time, then id: the result order), where the next page starts.</summary>
public sealed record AuditCursor(DateTimeOffset OccurredAt, string Id)
{
    public static AuditCursor After(AuditEvent last)
    {
        ArgumentNullException.ThrowIfNull(last);
        return new(last.OccurredAt, last.Id);
    }
}

/// <param name="TotalIsLowerBound">The count stopped at the query's <c>CountUpTo</c>: at least <paramref name="Total"/> match.</param>
public sealed record AuditPage(IReadOnlyList<AuditEvent> Items, long Total, bool TotalIsLowerBound = false)
{
    public const long NotCounted = -1;
}
