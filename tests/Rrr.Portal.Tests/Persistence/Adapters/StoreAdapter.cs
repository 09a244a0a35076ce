namespace Rrr.Portal.Tests.Persistence.Adapters;

/// <summary>
/// One adapter's storage for one test: a fresh folder or database that no other test sees. The generic
/// port contracts run against each adapter through this, so both adapters pass the same assertions.
/// </summary>
public abstract class StoreAdapter : IAsyncDisposable
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A new adapter instance over this test's storage: the same file or database on every call, so a
    /// second call plays a second portal instance or a restart. An adapter whose backend is missing skips here.
    /// </summary>
    public abstract PortalStores Open();

    /// <summary>Whether the backing storage (data folder and file, or database) exists yet.</summary>
    public abstract Task<bool> StorageExistsAsync();

    public abstract ValueTask DisposeAsync();
}
