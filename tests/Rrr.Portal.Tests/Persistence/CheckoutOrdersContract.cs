using Rrr.Core.Features.Checkout;
using Rrr.Core.Persistence;
using Rrr.Core.Rrr;
using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>Behaviour every adapter's checkout order store must share; several adapter instances over one storage stand for several portal instances.</summary>
public abstract class CheckoutOrdersContract<TAdapter> : IAsyncLifetime
    where TAdapter : StoreAdapter, new()
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected PortalStores OpenStore() => Adapter.Open();

    /// <summary>This test's storage on the adapter under test.</summary>
    protected TAdapter Adapter { get; } = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<ICheckoutOrderStore> ReadyAsync()
    {
        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);
        return store.Orders;
    }

    private static CheckoutOrder Order(string number, string owner = "xcn_u_1001", DateTimeOffset? createdAt = null) =>
        new(number, owner, CheckoutKind.TokenPack, CheckoutStatus.Open, 1, "starter", 100, new Money(10.99m, "USD"), null, null,
            0, null, null, null, 0, null, null, null, null, null, false, null, createdAt ?? T0, createdAt ?? T0);

    [Fact]
    public async Task Create_ThenGet_RoundTripsEveryField()
    {
        var store = await ReadyAsync();
        var order = Order("xcn_co_0000000000000001") with
        {
            Status = CheckoutStatus.PointsHeld,
            RrrMemberId = "rrr_m_1001",
            PointsApplied = 300,
            PointsValue = new Money(3.00m, "USD"),
            QuoteId = "rq_1",
            QuoteExpiresAt = T0.AddMinutes(15),
            HoldAttempts = 2,
        };

        Assert.True(await store.TryCreateCheckoutOrderAsync(order, Ct));
        var read = await store.GetCheckoutOrderAsync(order.OrderNumber, Ct);

        Assert.Equal(order, read);
        Assert.Equal(7.99m, read!.AmountDue.Amount);
    }

    [Fact]
    public async Task Create_SameNumberTwice_KeepsTheFirst()
    {
        var store = await ReadyAsync();
        Assert.True(await store.TryCreateCheckoutOrderAsync(Order("xcn_co_0000000000000002"), Ct));
        Assert.False(await store.TryCreateCheckoutOrderAsync(Order("xcn_co_0000000000000002", owner: "xcn_u_1003"), Ct));
        Assert.Equal("xcn_u_1001", (await store.GetCheckoutOrderAsync("xcn_co_0000000000000002", Ct))!.XcnUserId);
    }

    [Fact]
    public async Task Update_IsCompareAndSet_OnlyOneOfTwoWritersFromTheSameVersionWins()
    {
        var first = await ReadyAsync();
        var second = OpenStore().Orders;
        var order = Order("xcn_co_0000000000000003");
        await first.TryCreateCheckoutOrderAsync(order, Ct);

        var paid = order with { Status = CheckoutStatus.Paid, Version = 2, Payment = PaymentOutcome.Approved };
        var cancelled = order with { Status = CheckoutStatus.Cancelled, Version = 2 };
        var results = await Task.WhenAll(
            first.TryUpdateCheckoutOrderAsync(order, paid, Ct), second.TryUpdateCheckoutOrderAsync(order, cancelled, Ct));

        Assert.Single(results, r => r);
        var stored = await first.GetCheckoutOrderAsync(order.OrderNumber, Ct);
        Assert.Equal(2, stored!.Version);
        Assert.Equal(results[0] ? CheckoutStatus.Paid : CheckoutStatus.Cancelled, stored.Status);

        // A writer still holding version 1 changes nothing.
        Assert.False(await second.TryUpdateCheckoutOrderAsync(order, order with { Status = CheckoutStatus.PointsHeld, Version = 2 }, Ct));
        Assert.Equal(stored, await first.GetCheckoutOrderAsync(order.OrderNumber, Ct));
    }

    [Fact]
    public async Task Update_ThatSkipsAVersion_IsRefused()
    {
        var store = await ReadyAsync();
        var order = Order("xcn_co_0000000000000004");
        await store.TryCreateCheckoutOrderAsync(order, Ct);
        await Assert.ThrowsAsync<ArgumentException>(() => store.TryUpdateCheckoutOrderAsync(order, order with { Version = 5 }, Ct));
    }

    [Fact]
    public async Task List_ReturnsOnlyTheOwnersOrders_NewestFirst()
    {
        var store = await ReadyAsync();
        await store.TryCreateCheckoutOrderAsync(Order("xcn_co_000000000000000a", createdAt: T0), Ct);
        await store.TryCreateCheckoutOrderAsync(Order("xcn_co_000000000000000b", createdAt: T0.AddMinutes(2)), Ct);
        await store.TryCreateCheckoutOrderAsync(Order("xcn_co_000000000000000c", owner: "xcn_u_1003", createdAt: T0.AddMinutes(1)), Ct);

        var mine = await store.ListCheckoutOrdersAsync("xcn_u_1001", 10, Ct);

        Assert.Equal(["xcn_co_000000000000000b", "xcn_co_000000000000000a"], mine.Select(o => o.OrderNumber));
        Assert.Single(await store.ListCheckoutOrdersAsync("xcn_u_1001", 1, Ct));
        Assert.Empty(await store.ListCheckoutOrdersAsync("xcn_u_9999", 10, Ct));
    }

    [Fact]
    public async Task Get_Unknown_IsNull()
    {
        var store = await ReadyAsync();
        Assert.Null(await store.GetCheckoutOrderAsync("xcn_co_ffffffffffffffff", Ct));
    }
}
