namespace Rrr.Sandbox.Webhooks;

/// <summary>
/// Queues a webhook event for delivery to the portal in a transaction of its own. The ledger does not
/// use this: its events are written inside the ledger transaction itself
/// (<see cref="WebhookOutbox.EnqueueAsync"/>), so a change and its event commit or vanish together.
/// This stays for callers with nothing to be atomic with (tests, diagnostics).
/// </summary>
public interface IWebhookPublisher
{
    /// <param name="type">One of the contract's event types, e.g. <c>POINTS_POSTED</c>.</param>
    /// <param name="data">
    /// The event's <c>data</c> object: <c>resource_type</c>, <c>resource_id</c>, <c>version</c> and the
    /// allow-listed opaque fields of docs/rrr-wire.md. Values are strings, longs or null.
    /// </param>
    /// <returns>The event id (<c>evt_…</c>), also the <c>webhook-id</c> of every delivery attempt.</returns>
    Task<string> PublishAsync(string type, IReadOnlyDictionary<string, object?> data, CancellationToken cancellationToken);
}
