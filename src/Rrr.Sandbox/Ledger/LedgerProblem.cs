namespace Rrr.Sandbox.Ledger;

/// <summary>
/// A refusal the RRR contract names (docs/rrr-wire.md): the API turns it into an RFC 9457 problem with
/// <see cref="Code"/>, and the pages show <see cref="Exception.Message"/>.
/// </summary>
internal sealed class LedgerProblem(int status, string code, string detail, IReadOnlyDictionary<string, object?>? extras = null)
    : Exception(detail)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    /// <summary>Per-code members (e.g. <c>attempts_remaining</c>, <c>earn_event_id</c>, <c>errors</c>).</summary>
    public IReadOnlyDictionary<string, object?> Extras { get; } = extras ?? new Dictionary<string, object?>();

    public static LedgerProblem NotFound(string what) => new(404, "not_found", what + " was not found.");

    public static LedgerProblem InvalidState(string detail) => new(409, "invalid_state", detail);

    public static LedgerProblem Validation(string field, string message) =>
        new(422, "validation_failed", "The request is not valid.", new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { [field] = [message] },
        });
}
