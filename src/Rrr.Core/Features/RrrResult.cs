using System.Diagnostics.CodeAnalysis;

namespace Rrr.Core.Features;

public enum RrrResultKind
{
    /// <summary>RRR (and the portal's own rules) agreed; <see cref="RrrResult{T}.Value"/> holds the answer.</summary>
    Ok,

    /// <summary>
    /// Refused: RRR answered with a problem (its code kept as is, e.g. <see cref="RrrErrorCodes.InsufficientPoints"/>),
    /// or a portal rule refused (e.g. <see cref="RrrResult.NotSignedIn"/>). Asking again unchanged gets the same answer.
    /// </summary>
    Problem,

    /// <summary>RRR could not be reached or did not answer usefully; nothing says it refused. A retry later may work.</summary>
    Unavailable,
}

/// <summary>
/// What a UI-facing Core service answers instead of throwing: the value, a problem with its code (RRR's or the
/// portal's), or "RRR unavailable". Components render it; they never catch an RRR client exception.
/// </summary>
public sealed record RrrResult<T>
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    internal RrrResult(RrrResultKind kind, T? value, string code, string? message, string? detail, IReadOnlyDictionary<string, string[]>? errors, TimeSpan? retryAfter)
    {
        Kind = kind;
        Value = value;
        Code = code;
        Message = message;
        Detail = detail;
        Errors = errors ?? NoErrors;
        RetryAfter = retryAfter;
    }

    public RrrResultKind Kind { get; }

    /// <summary>The answer; set exactly when <see cref="IsOk"/>.</summary>
    public T? Value { get; }

    /// <summary>Empty when ok; RRR's problem code, a portal refusal code, or <see cref="RrrResult.UnavailableCode"/>.</summary>
    public string Code { get; }

    /// <summary>The portal's own words for the refusal, written to be shown; null when RRR's answer was passed on as it came.</summary>
    public string? Message { get; }

    /// <summary>RRR's problem <c>detail</c>, when it sent one; may quote user-facing text, so it is shown, never logged.</summary>
    public string? Detail { get; }

    /// <summary>Messages per field, for a validation problem.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>For <see cref="RrrResultKind.Unavailable"/>: when RRR said a new try makes sense.</summary>
    public TimeSpan? RetryAfter { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsOk => Kind == RrrResultKind.Ok;

    public bool IsProblem => Kind == RrrResultKind.Problem;

    public bool IsUnavailable => Kind == RrrResultKind.Unavailable;

    public bool Is(string code) => !IsOk && string.Equals(Code, code, StringComparison.Ordinal);

    /// <summary>The same failure as a result of another type (a failed step fails the whole operation).</summary>
    public RrrResult<TOther> Failed<TOther>() =>
        IsOk ? throw new InvalidOperationException("An ok result is not a failure.") : new(Kind, default, Code, Message, Detail, Errors, RetryAfter);
}

/// <summary>Makes <see cref="RrrResult{T}"/>s, and is the one place an RRR client exception or a portal refusal becomes one.</summary>
public static class RrrResult
{
    /// <summary>The code of every <see cref="RrrResultKind.Unavailable"/> result.</summary>
    public const string UnavailableCode = "rrr_unavailable";

    /// <summary>No signed-in identity with an XCN user id (the portal's refusal, before RRR is asked).</summary>
    public const string NotSignedIn = "not_signed_in";

    public static RrrResult<T> Ok<T>(T value) => new(RrrResultKind.Ok, value, "", null, null, null, null);

    public static RrrResult<T> Problem<T>(string code, string? message = null, IReadOnlyDictionary<string, string[]>? errors = null, string? detail = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        return new(RrrResultKind.Problem, default, code, message, detail, errors, null);
    }

    public static RrrResult<T> Unavailable<T>(string? message = null, TimeSpan? retryAfter = null) =>
        new(RrrResultKind.Unavailable, default, UnavailableCode, message, null, null, retryAfter);

    /// <summary>Whether <see cref="From{T}"/> turns this exception into a result (the rest are bugs and stay exceptions).</summary>
    public static bool IsResult(Exception exception) =>
        exception is RrrException or RefusedException or ApprovalRuleException or MemberIdentityMissingException;

    /// <summary>
    /// The result an exception stands for: an RRR problem keeps RRR's code, detail and field errors; an outage is
    /// unavailable with RRR's Retry-After; a portal refusal keeps its code and message (its "RRR unavailable" refusal is
    /// unavailable); a missing sign-in is <see cref="NotSignedIn"/>.
    /// </summary>
    public static RrrResult<T> From<T>(Exception exception) => exception switch
    {
        RrrProblemException problem => Problem<T>(problem.Code, null, problem.Errors, problem.Detail),
        RrrUnavailableException unavailable => Unavailable<T>(null, unavailable.RetryAfter),
        RefusedException { Code: UnavailableCode } refused => Unavailable<T>(refused.Message),
        RefusedException refused => Problem<T>(refused.Code, refused.Message, refused.FieldErrors),
        ApprovalRuleException rule => Problem<T>(rule.Code, rule.Message),
        MemberIdentityMissingException => Problem<T>(NotSignedIn, "Your sign-in has no member id; please sign in again."),
        _ => throw new ArgumentException("Not an RRR failure or a portal refusal.", nameof(exception), exception),
    };

    /// <summary>Runs a service operation; an RRR failure or a portal refusal comes back as a result, anything else throws.</summary>
    public static async Task<RrrResult<T>> CallAsync<T>(Func<Task<T>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            return Ok(await operation());
        }
        catch (Exception ex) when (IsResult(ex))
        {
            return From<T>(ex);
        }
    }
}
