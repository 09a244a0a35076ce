namespace Rrr.Sandbox.Webhooks;

/// <summary>Wakes the dispatcher as soon as something became due, so delivery does not wait for a poll.</summary>
internal sealed class WebhookSignal : IDisposable
{
    // Capacity one: many publishes while the dispatcher is busy collapse into a single wake-up.
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; the dispatcher will read everything that is due.
        }
    }

    /// <returns>True when signalled, false when the timeout passed.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        // A TimeProvider-driven timeout (not the semaphore's own) so tests can move a fake clock past a backoff.
        using var timeoutCts = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        try
        {
            await _semaphore.WaitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _semaphore.Dispose();
}
