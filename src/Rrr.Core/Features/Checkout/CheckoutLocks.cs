namespace Rrr.Core.Features.Checkout;

/// <summary>
/// Serialises steps on one order within this instance, so a double click waits for the first click and then
/// finds its result instead of racing it. Striped (a fixed set of semaphores) so it never grows; across
/// instances the store's compare-and-set and RRR's idempotency keys carry the same guarantee.
/// </summary>
public sealed class CheckoutLocks : IDisposable
{
    private const int Stripes = 64;
    private readonly SemaphoreSlim[] stripes = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var stripe = stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % Stripes)];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(stripe);
    }

    public void Dispose()
    {
        foreach (var stripe in stripes)
        {
            stripe.Dispose();
        }
    }

    private sealed class Release(SemaphoreSlim stripe) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                stripe.Release();
            }
        }
    }
}
