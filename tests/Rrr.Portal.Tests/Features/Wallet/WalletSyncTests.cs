using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Features.Webhooks;
using Rrr.Core.Rrr.Wallet;

namespace Rrr.Portal.Tests.Features.Wallet;

/// <summary>The wallet sync over the real bus and a real SQLite cache, with a fake of RRR's wallet API.</summary>
public sealed class WalletSyncTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempSqliteStore db = new();
    private readonly FakeTimeProvider time = new(T0);
    private readonly FakeWalletApi wallets = new();
    private readonly PortalEvents bus = new(NullLogger<PortalEvents>.Instance);
    private readonly ServiceProvider services;
    private readonly WalletSync sync;
    private readonly ConcurrentQueue<WalletUpdated> heard = new();

    public WalletSyncTests()
    {
        wallets.Wallets["rrr_m_1"] = FakeWalletApi.Wallet("rrr_m_1", 500, 4, T0);
        services = new ServiceCollection()
            .AddSingleton<IRrrWalletApi>(wallets)
            .AddSingleton<IWalletSnapshotStore>(db.Store.Wallets)
            .BuildServiceProvider();
        sync = new WalletSync(bus, services, time, NullLogger<WalletSync>.Instance);
    }

    public async ValueTask InitializeAsync() => await sync.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await sync.StopAsync(CancellationToken.None);
        sync.Dispose();
        await services.DisposeAsync();
        db.Dispose();
    }

    [Fact]
    public async Task OneWalletEvent_ShownInTwoTabs_IsOneRrrRead_AndBothTabsGetTheNumbers()
    {
        using var tab1 = Follow("rrr_m_1");
        using var tab2 = Follow("rrr_m_1");

        bus.Publish(WalletEvent("evt_1", "rrr_m_1", version: 4));

        var updates = await HeardAsync(2);
        Assert.All(updates, u => Assert.Equal(500, u.Wallet!.AvailablePoints));
        Assert.Single(wallets.Asked);
        Assert.Equal(4, (await db.Store.Wallets.GetWalletSnapshotAsync("rrr_m_1", TestContext.Current.CancellationToken))!.Version);
    }

    [Fact]
    public async Task AWalletTheStoreHoldsAtThatVersion_IsNotReadAgain()
    {
        var stored = FakeWalletApi.Wallet("rrr_m_1", 700, 5, T0);
        await db.Store.Wallets.SaveWalletSnapshotAsync(WalletSnapshot.Of(stored, T0), TestContext.Current.CancellationToken);
        using var tab = Follow("rrr_m_1");

        bus.Publish(WalletEvent("evt_2", "rrr_m_1", version: 5));

        var update = Assert.Single(await HeardAsync(1));
        Assert.Equal(700, update.Wallet!.AvailablePoints);
        Assert.Empty(wallets.Asked);
    }

    [Fact]
    public async Task AMemberNobodyShows_CostsNoRead()
    {
        using var other = Follow("rrr_m_2");

        bus.Publish(WalletEvent("evt_3", "rrr_m_1", version: 4));
        bus.Publish(WalletEvent("evt_4", "rrr_m_2", version: 1));

        // rrr_m_2 is shown (and unknown to RRR here), so its event is handled; rrr_m_1's was dropped before it.
        var update = Assert.Single(await HeardAsync(1));
        Assert.Equal("rrr_m_2", update.RrrMemberId);
        Assert.DoesNotContain("rrr_m_1", wallets.Asked);
    }

    [Fact]
    public async Task RrrDown_StillTellsThePanels_WithoutNumbers()
    {
        wallets.Down = true;
        using var tab = Follow("rrr_m_1");

        bus.Publish(WalletEvent("evt_5", "rrr_m_1", version: 4));

        var update = Assert.Single(await HeardAsync(1));
        Assert.Null(update.Wallet);
        Assert.Equal("evt_5", update.Cause.Id);
    }

    [Fact]
    public async Task ATransfer_AlsoReadsTheNamedMember_WhoseWalletItDoesNotVersion()
    {
        wallets.Wallets["rrr_m_2"] = FakeWalletApi.Wallet("rrr_m_2", 90, 2, T0);
        using var sender = Follow("rrr_m_2");

        bus.Publish(new RrrEvent("evt_6", RrrEventTypes.TransferCompleted, null, new Dictionary<string, object?>
        {
            ["resource_type"] = "wallet", ["resource_id"] = "rrr_m_1", ["rrr_member_id"] = "rrr_m_2", ["points"] = 10L, ["version"] = 9L,
        }));

        var update = Assert.Single(await HeardAsync(1));
        Assert.Equal(("rrr_m_2", 90L), (update.RrrMemberId, update.Wallet!.AvailablePoints));
    }

    [Fact]
    public async Task EventsThatDoNotChangeAWallet_AreNotFollowed()
    {
        using var tab = Follow("rrr_m_1");

        bus.Publish(new RrrEvent("evt_7", RrrEventTypes.LinkUpdated, null, new Dictionary<string, object?>
        {
            ["resource_type"] = "link", ["resource_id"] = "xcn_u_1", ["rrr_member_id"] = "rrr_m_1", ["version"] = 3L,
        }));
        bus.Publish(WalletEvent("evt_8", "rrr_m_1", version: 4));

        // Delivery is in order, so once the wallet event is heard the link event had its chance.
        var update = Assert.Single(await HeardAsync(1));
        Assert.Equal("evt_8", update.Cause.Id);
        Assert.False(WalletSync.Follows(RrrEventTypes.LinkUpdated));
    }

    private IDisposable Follow(string rrrMemberId) => bus.Subscribe(WalletUpdated.Of(rrrMemberId), heard.Enqueue);

    private async Task<IReadOnlyList<WalletUpdated>> HeardAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (heard.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        // A little longer, so one message too many shows up as a failure rather than passing unseen.
        await Task.Delay(100, TestContext.Current.CancellationToken);
        return [.. heard];
    }

    private static RrrEvent WalletEvent(string id, string member, long version) =>
        new(id, RrrEventTypes.PointsPosted, null, new Dictionary<string, object?>
        {
            ["resource_type"] = "wallet", ["resource_id"] = member, ["rrr_member_id"] = member, ["points"] = 10L,
            ["status"] = "POSTED", ["version"] = version,
        });
}
