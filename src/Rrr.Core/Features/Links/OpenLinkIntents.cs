namespace Rrr.Core.Features.Links;

/// <summary>
/// The link intent an XCN user is in the middle of (<c>open_link_intents</c>). RRR's <c>GET /v1/links</c> says
/// PENDING but not which intent, so without this a page refresh could not go back to the code step.
/// Holds opaque ids and counters only: the code itself is never stored.
/// </summary>
/// <param name="ConfirmAttempts">Code entries made so far; the next entry's idempotency key uses this plus one.</param>
public sealed record OpenLinkIntent(
    string XcnUserId,
    string IntentId,
    DateTimeOffset ExpiresAt,
    int AttemptsRemaining,
    int ConfirmAttempts,
    DateTimeOffset CreatedAt);

/// <summary>One open link intent per XCN user; a newer intent replaces the older one.</summary>
public interface IOpenLinkIntentStore
{
    Task<OpenLinkIntent?> GetOpenLinkIntentAsync(string xcnUserId, CancellationToken cancellationToken);

    /// <summary>Stores the intent as the user's open one (replacing any other).</summary>
    Task SaveOpenLinkIntentAsync(OpenLinkIntent intent, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one more code entry for this intent, atomically, and returns the new count (the attempt number);
    /// null when the user's open intent is not this one any more. Two tabs entering codes at once get different numbers.
    /// </summary>
    Task<int?> NextConfirmAttemptAsync(string xcnUserId, string intentId, CancellationToken cancellationToken);

    /// <summary>Records RRR's remaining tries after a wrong code (only for this intent).</summary>
    Task SetAttemptsRemainingAsync(string xcnUserId, string intentId, int attemptsRemaining, CancellationToken cancellationToken);

    /// <summary>Forgets the intent, only if it is still the user's open one.</summary>
    Task DeleteOpenLinkIntentAsync(string xcnUserId, string intentId, CancellationToken cancellationToken);
}
