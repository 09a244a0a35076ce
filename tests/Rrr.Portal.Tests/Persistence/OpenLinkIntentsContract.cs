using Rrr.Core.Features.Links;
using Rrr.Core.Persistence;
using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>What every adapter's open link intents must do: one per user, counters atomic and scoped to the intent.</summary>
public abstract class OpenLinkIntentsContract<TAdapter> : IAsyncLifetime
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

    private async Task<IOpenLinkIntentStore> ReadyAsync()
    {
        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);
        return store.Intents;
    }

    private static OpenLinkIntent Intent(string user, string id, int tries = 0) => new(user, id, T0.AddMinutes(15), 5, tries, T0);

    [Fact]
    public async Task SaveThenGet_RoundTrips_AndNothingStoredIsNull()
    {
        var store = await ReadyAsync();
        await store.SaveOpenLinkIntentAsync(Intent("xcn_u_1", "li_1"), Ct);

        Assert.Equal(Intent("xcn_u_1", "li_1"), await OpenStore().Intents.GetOpenLinkIntentAsync("xcn_u_1", Ct));
        Assert.Null(await store.GetOpenLinkIntentAsync("xcn_u_2", Ct));
    }

    [Fact]
    public async Task NewerIntent_ReplacesTheOlder_ButSavingTheSameIntentKeepsItsCounters()
    {
        var store = await ReadyAsync();
        await store.SaveOpenLinkIntentAsync(Intent("xcn_u_1", "li_1"), Ct);
        await store.NextConfirmAttemptAsync("xcn_u_1", "li_1", Ct);
        await store.SetAttemptsRemainingAsync("xcn_u_1", "li_1", 4, Ct);

        await store.SaveOpenLinkIntentAsync(Intent("xcn_u_1", "li_1"), Ct);
        var same = await store.GetOpenLinkIntentAsync("xcn_u_1", Ct);
        await store.SaveOpenLinkIntentAsync(Intent("xcn_u_1", "li_2"), Ct);
        var newer = await store.GetOpenLinkIntentAsync("xcn_u_1", Ct);

        Assert.Equal((1, 4), (same!.ConfirmAttempts, same.AttemptsRemaining));
        Assert.Equal(Intent("xcn_u_1", "li_2"), newer);
    }

    [Fact]
    public async Task NextConfirmAttempt_CountsUp_OnlyForTheOpenIntent()
    {
        var store = await ReadyAsync();
        await store.SaveOpenLinkIntentAsync(Intent("xcn_u_1", "li_1"), Ct);

        Assert.Equal(1, await store.NextConfirmAttemptAsync("xcn_u_1", "li_1", Ct));
        Assert.Equal(2, await store.NextConfirmAttemptAsync("xcn_u_1", "li_1", Ct));
        Assert.Null(await store.NextConfirmAttemptAsync("xcn_u_1", "li_old", Ct));
        Assert.Null(await store.NextConfirmAttemptAsync("xcn_u_2", "li_1", Ct));
    }

    [Fact]
    public async Task NextConfirmAttempt_InParallel_HandsOutEachNumberOnce()
    {
        var store = await ReadyAsync();
        await store.SaveOpenLinkIntentAsync(Intent("xcn_u_1", "li_1"), Ct);

        var numbers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.NextConfirmAttemptAsync("xcn_u_1", "li_1", Ct)));

        Assert.Equal(Enumerable.Range(1, 8), numbers.Select(n => n!.Value).Order());
    }

    [Fact]
    public async Task Delete_RemovesOnlyTheNamedIntent()
    {
        var store = await ReadyAsync();
        await store.SaveOpenLinkIntentAsync(Intent("xcn_u_1", "li_2"), Ct);

        await store.DeleteOpenLinkIntentAsync("xcn_u_1", "li_1", Ct);
        Assert.NotNull(await store.GetOpenLinkIntentAsync("xcn_u_1", Ct));
        await store.DeleteOpenLinkIntentAsync("xcn_u_1", "li_2", Ct);
        Assert.Null(await store.GetOpenLinkIntentAsync("xcn_u_1", Ct));
    }
}
