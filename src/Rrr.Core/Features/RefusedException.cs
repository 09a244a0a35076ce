namespace Rrr.Core.Features;

/// <summary>
/// A portal rule refused an action inside a service (who may act, a stale view, an invalid form). It never leaves
/// a UI-facing service: <see cref="RrrResult.CallAsync{T}"/> turns it into a problem result with its code and message.
/// </summary>
public abstract class RefusedException(string code, string message, IReadOnlyDictionary<string, string[]>? fieldErrors = null)
    : InvalidOperationException(message)
{
    public string Code { get; } = code;

    /// <summary>Messages per form field, for an invalid form.</summary>
    public IReadOnlyDictionary<string, string[]> FieldErrors { get; } = fieldErrors ?? new Dictionary<string, string[]>();
}
