namespace Rrr.Core.Rrr.Http;

/// <summary>
/// Where every attempt of an RRR call is recorded, so the admin audit can show which RRR calls an action
/// caused (by trace id) and what happened to one business operation (by idempotency key).
/// </summary>
public interface IRrrCallLog
{
    /// <summary>Stores one attempt; recording the same id twice keeps one entry.</summary>
    Task RecordAsync(RrrCallRecord record, CancellationToken cancellationToken);

    Task<RrrCallPage> QueryAsync(RrrCallQuery query, CancellationToken cancellationToken);
}

public enum RrrCallOutcome
{
    /// <summary>RRR answered 2xx.</summary>
    Succeeded,

    /// <summary>RRR answered, with a non-2xx status.</summary>
    Failed,

    /// <summary>No answer: connection failure or an exception below the handler.</summary>
    NoResponse,

    /// <summary>Cancelled before an answer: the caller gave up or the attempt timed out.</summary>
    Cancelled,
}

/// <summary>
/// One attempt of one RRR call. Never a body, a query value, a header other than the key and trace id,
/// or anything but opaque ids: the path is the route template.
/// </summary>
/// <param name="Operation">E.g. <c>IRrrWalletApi.GetWalletAsync</c>.</param>
/// <param name="PathTemplate">E.g. <c>/v1/members/{rrrMemberId}/wallet</c>.</param>
/// <param name="Attempt">1 for the first attempt, then one more per retry.</param>
/// <param name="StatusCode">Null when no response came back.</param>
/// <param name="ErrorCode">The problem <c>code</c> when RRR sent one.</param>
/// <param name="Replayed">RRR answered from its idempotency store (<c>Idempotent-Replayed: true</c>).</param>
public sealed record RrrCallRecord(
    string Id,
    DateTimeOffset StartedAt,
    string Operation,
    string Method,
    string PathTemplate,
    string? IdempotencyKey,
    string TraceId,
    int Attempt,
    int? StatusCode,
    string? ErrorCode,
    RrrCallOutcome Outcome,
    long LatencyMs,
    bool Replayed);

/// <summary>Filters are optional and combine with AND; results come newest first, then highest attempt first.</summary>
public sealed record RrrCallQuery(string? TraceId = null, string? IdempotencyKey = null, int Skip = 0, int Take = 50);

public sealed record RrrCallPage(IReadOnlyList<RrrCallRecord> Items, long Total);

/// <summary>Paging limits every <see cref="IRrrCallLog"/> enforces, so both stores behave the same.</summary>
public static class RrrCallQueryRules
{
    public const int MaxTake = 1000;

    public static void Validate(RrrCallQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        PageRules.Validate(query.Skip, query.Take, MaxTake);
    }
}
