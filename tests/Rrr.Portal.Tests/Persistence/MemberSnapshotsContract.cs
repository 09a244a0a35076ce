using Rrr.Core.Features.Links;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Persistence;
using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>Behaviour every adapter's wallet and link caches must share: per key, the newest answer wins.</summary>
public abstract class MemberSnapshotsContract<TAdapter> : IAsyncLifetime
    where TAdapter : StoreAdapter, new()
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new adapter instance over this test's storage; may skip when the backend is unavailable.</summary>
    protected PortalStores OpenStore() => Adapter.Open();

    /// <summary>This test's storage on the adapter under test.</summary>
    protected TAdapter Adapter { get; } = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<PortalStores> ReadyStoreAsync()
    {
        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);
        return store;
    }

    private static WalletSnapshot Wallet(string member, long version, DateTimeOffset fetchedAt, long available = 100) =>
        new(member, "{\"available_points\":" + available + "}", fetchedAt.AddSeconds(-1), fetchedAt, version);

    [Fact]
    public async Task Wallet_NothingStored_IsNull()
    {
        var store = await ReadyStoreAsync();

        Assert.Null(await store.Wallets.GetWalletSnapshotAsync("rrr_m_1", Ct));
    }

    [Fact]
    public async Task Wallet_SaveThenGet_RoundTripsEveryField()
    {
        var store = await ReadyStoreAsync();
        var snapshot = Wallet("rrr_m_1", 3, T0);

        Assert.Equal(SnapshotSaveResult.Saved, await store.Wallets.SaveWalletSnapshotAsync(snapshot, Ct));

        Assert.Equal(snapshot, await OpenStore().Wallets.GetWalletSnapshotAsync("rrr_m_1", Ct));
    }

    [Fact]
    public async Task Wallet_NewerVersion_Replaces()
    {
        var store = await ReadyStoreAsync();
        await store.Wallets.SaveWalletSnapshotAsync(Wallet("rrr_m_1", 3, T0), Ct);

        var result = await store.Wallets.SaveWalletSnapshotAsync(Wallet("rrr_m_1", 4, T0.AddMinutes(1), available: 220), Ct);

        Assert.Equal(SnapshotSaveResult.Saved, result);
        var stored = await store.Wallets.GetWalletSnapshotAsync("rrr_m_1", Ct);
        Assert.Equal((4L, "{\"available_points\":220}"), (stored!.Version, stored.WalletJson));
    }

    [Fact]
    public async Task Wallet_OlderVersion_NeverOverwritesANewerOne_EvenIfFetchedLater()
    {
        var store = await ReadyStoreAsync();
        await store.Wallets.SaveWalletSnapshotAsync(Wallet("rrr_m_1", 5, T0, available: 500), Ct);

        var result = await OpenStore().Wallets.SaveWalletSnapshotAsync(Wallet("rrr_m_1", 4, T0.AddMinutes(5), available: 400), Ct);

        Assert.Equal(SnapshotSaveResult.Stale, result);
        var stored = await store.Wallets.GetWalletSnapshotAsync("rrr_m_1", Ct);
        Assert.Equal((5L, T0, "{\"available_points\":500}"), (stored!.Version, stored.FetchedAt, stored.WalletJson));
    }

    [Fact]
    public async Task Wallet_SameVersionFetchedLater_RefreshesWhenRrrLastSaidSo()
    {
        var store = await ReadyStoreAsync();
        await store.Wallets.SaveWalletSnapshotAsync(Wallet("rrr_m_1", 5, T0), Ct);

        Assert.Equal(SnapshotSaveResult.Saved, await store.Wallets.SaveWalletSnapshotAsync(Wallet("rrr_m_1", 5, T0.AddMinutes(2)), Ct));
        Assert.Equal(SnapshotSaveResult.Stale, await store.Wallets.SaveWalletSnapshotAsync(Wallet("rrr_m_1", 5, T0.AddMinutes(1)), Ct));

        Assert.Equal(T0.AddMinutes(2), (await store.Wallets.GetWalletSnapshotAsync("rrr_m_1", Ct))!.FetchedAt);
    }

    [Fact]
    public async Task Wallet_MembersAreIndependent()
    {
        var store = await ReadyStoreAsync();
        await store.Wallets.SaveWalletSnapshotAsync(Wallet("rrr_m_1", 9, T0, available: 1), Ct);

        Assert.Equal(SnapshotSaveResult.Saved, await store.Wallets.SaveWalletSnapshotAsync(Wallet("rrr_m_2", 1, T0, available: 2), Ct));

        Assert.Equal("{\"available_points\":1}", (await store.Wallets.GetWalletSnapshotAsync("rrr_m_1", Ct))!.WalletJson);
        Assert.Equal("{\"available_points\":2}", (await store.Wallets.GetWalletSnapshotAsync("rrr_m_2", Ct))!.WalletJson);
    }

    [Fact]
    public async Task Wallet_ConcurrentSaves_EndWithTheHighestVersion()
    {
        await ReadyStoreAsync();

        await Task.WhenAll(Enumerable.Range(1, 12).Select(v =>
            Task.Run(() => OpenStore().Wallets.SaveWalletSnapshotAsync(Wallet("rrr_m_1", v, T0.AddSeconds(v), available: v), Ct), Ct)));

        Assert.Equal(12, (await OpenStore().Wallets.GetWalletSnapshotAsync("rrr_m_1", Ct))!.Version);
    }

    [Fact]
    public async Task Link_SaveGetAndVersionOrdering()
    {
        var store = await ReadyStoreAsync();
        Assert.Null(await store.Links.GetLinkSnapshotAsync("xcn_u_1", Ct));

        Assert.Equal(SnapshotSaveResult.Saved,
            await store.Links.SaveLinkSnapshotAsync(new LinkSnapshot("xcn_u_1", "{\"status\":\"LINKED\"}", 2, T0), Ct));
        Assert.Equal(SnapshotSaveResult.Stale,
            await store.Links.SaveLinkSnapshotAsync(new LinkSnapshot("xcn_u_1", "{\"status\":\"PENDING\"}", 1, T0.AddMinutes(1)), Ct));
        Assert.Equal(SnapshotSaveResult.Saved,
            await store.Links.SaveLinkSnapshotAsync(new LinkSnapshot("xcn_u_1", "{\"status\":\"REVOKED\"}", 3, T0.AddMinutes(2)), Ct));

        Assert.Equal(new LinkSnapshot("xcn_u_1", "{\"status\":\"REVOKED\"}", 3, T0.AddMinutes(2)),
            await OpenStore().Links.GetLinkSnapshotAsync("xcn_u_1", Ct));
    }
}
