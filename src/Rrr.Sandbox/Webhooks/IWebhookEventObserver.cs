namespace Rrr.Sandbox.Webhooks;

/// <summary>
/// Told about each webhook event once the transaction that wrote it has committed (tests and
/// diagnostics; delivery does not depend on it). Called in commit order; must not throw or block.
/// </summary>
public interface IWebhookEventObserver
{
    /// <param name="eventId">The committed event's id (<c>evt_…</c>).</param>
    /// <param name="type">The event type, e.g. <c>POINTS_POSTED</c>.</param>
    /// <param name="data">The event's <c>data</c> object as it was written.</param>
    void OnCommitted(string eventId, string type, IReadOnlyDictionary<string, object?> data);
}
