namespace Rrr.Core.Rrr.Http;

/// <summary>
/// Base of every failure the RRR client surfaces. Messages name the operation, status, code and trace id
/// only: RRR's <c>detail</c> may quote user-facing text, so it stays in a property and out of logs.
/// </summary>
public abstract class RrrException : Exception
{
    protected RrrException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The client operation, e.g. <c>IRrrWalletApi.GetWalletAsync</c>.</summary>
    public string Operation { get; init; } = "";

    /// <summary>The X-Request-Trace sent with the call, to find it in RRR's ledger and in the call log.</summary>
    public string? TraceId { get; init; }
}

/// <summary>RRR answered with a problem (4xx): the request was understood and refused. Switch on <see cref="Code"/>.</summary>
public sealed class RrrProblemException : RrrException
{
    public RrrProblemException(RrrProblem problem, string operation, string? requestTraceId, TimeSpan? retryAfter = null)
        : base(Describe(problem, operation, requestTraceId))
    {
        ArgumentNullException.ThrowIfNull(problem);
        Problem = problem;
        Operation = operation;
        TraceId = problem.TraceId ?? requestTraceId;
        RetryAfter = retryAfter;
    }

    public RrrProblem Problem { get; }

    public int Status => Problem.Status;

    /// <summary>One of <see cref="RrrErrorCodes"/>.</summary>
    public string Code => Problem.Code;

    public string? Title => Problem.Title;

    /// <summary>RRR's explanation; for not_linked on awards it is written to be shown to the model as is.</summary>
    public string? Detail => Problem.Detail;

    public IReadOnlyDictionary<string, string[]> Errors => Problem.Errors ?? new Dictionary<string, string[]>();

    public TimeSpan? RetryAfter { get; }

    /// <summary>For invalid_code: how many code entries are left before the intent is void.</summary>
    public int? AttemptsRemaining =>
        Extension("attempts_remaining") is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var n) ? n : null;

    /// <summary>For duplicate_order: the earn event the order already produced.</summary>
    public string? EarnEventId =>
        Extension("earn_event_id") is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public bool Is(string code) => string.Equals(Code, code, StringComparison.Ordinal);

    public JsonElement? Extension(string name) =>
        Problem.Extensions is { } extensions && extensions.TryGetValue(name, out var value) ? value : null;

    private static string Describe(RrrProblem problem, string operation, string? traceId) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"RRR refused {operation}: {problem.Status} {problem.Code} (trace {problem.TraceId ?? traceId ?? "none"}).");
}

public enum RrrUnavailableReason
{
    /// <summary>The whole call, or its last attempt, ran out of time.</summary>
    Timeout,

    /// <summary>Recent calls failed so often that the client stopped calling RRR for a while.</summary>
    CircuitOpen,

    /// <summary>No connection (refused, reset, DNS).</summary>
    ConnectionFailed,

    /// <summary>RRR answered 5xx, 408 or 429, and retries (where allowed) did not help.</summary>
    ServerError,
}

/// <summary>
/// RRR could not be reached or did not answer usefully; nothing says the request was refused. The UI shows
/// "temporarily unavailable". A keyed call may be repeated later with the same key: RRR then replays or runs it once.
/// </summary>
public sealed class RrrUnavailableException : RrrException
{
    public RrrUnavailableException(
        RrrUnavailableReason reason,
        string operation,
        string? traceId,
        Exception? innerException = null,
        RrrProblem? problem = null,
        TimeSpan? retryAfter = null)
        : base(
            string.Create(
                CultureInfo.InvariantCulture,
                $"RRR is unavailable for {operation}: {reason}{(problem is null ? "" : $" ({problem.Status} {problem.Code})")} (trace {traceId ?? "none"})."),
            innerException)
    {
        Reason = reason;
        Operation = operation;
        TraceId = traceId;
        Problem = problem;
        RetryAfter = retryAfter;
    }

    public RrrUnavailableReason Reason { get; }

    /// <summary>RRR's problem body when it sent one (e.g. 503 service_unavailable).</summary>
    public RrrProblem? Problem { get; }

    /// <summary>When RRR (Retry-After) or the open circuit says a new try makes sense.</summary>
    public TimeSpan? RetryAfter { get; }

    public int? Status => Problem?.Status;
}
