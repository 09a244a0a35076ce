using Rrr.Core.Features.Audit;
using Rrr.Core.Persistence;
using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>
/// Behaviour every store adapter must share. Each test gets its own storage (a fresh folder or
/// database), so tests never see each other's rows, and may open several adapter instances on it.
/// </summary>
public abstract class StoreContract<TAdapter> : IAsyncLifetime
    where TAdapter : StoreAdapter, new()
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A new adapter instance over this test's storage: the same file or database on every call.
    /// Every test calls it first, so an adapter whose backend is unavailable can skip there.
    /// </summary>
    protected PortalStores OpenStore() => Adapter.Open();

    private Task<bool> StorageExistsAsync() => Adapter.StorageExistsAsync();

    /// <summary>This test's storage on the adapter under test.</summary>
    protected TAdapter Adapter { get; } = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Initialize_OnFirstRun_CreatesStorage()
    {
        var store = OpenStore();
        Assert.False(await StorageExistsAsync());

        await store.Lifecycle.InitializeAsync(Ct);

        Assert.True(await StorageExistsAsync());
    }

    [Fact]
    public async Task Initialize_Twice_IsHarmless()
    {
        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);
        await store.Keys.SaveAsync(new StoredKey("key-1", "<key id=\"1\" />", T0), Ct);
        await store.Audit.AppendAsync(Event("e1", T0), Ct);

        await store.Lifecycle.InitializeAsync(Ct);

        Assert.Single(await store.Keys.GetAllAsync(Ct));
        Assert.Equal(1, (await store.Audit.QueryAsync(new AuditQuery(), Ct)).Total);
        Assert.True(await store.Lifecycle.IsHealthyAsync(Ct));
    }

    [Fact]
    public async Task IsHealthy_AfterInitialize_IsTrue()
    {
        var store = await OpenInitializedAsync();

        Assert.True(await store.Lifecycle.IsHealthyAsync(Ct));
    }

    [Fact]
    public async Task GetAllKeys_OnEmptyStore_IsEmpty()
    {
        var store = await OpenInitializedAsync();

        Assert.Empty(await store.Keys.GetAllAsync(Ct));
    }

    [Fact]
    public async Task Keys_SavedThenRead_RoundTripInCreationOrder()
    {
        var store = await OpenInitializedAsync();
        var older = new StoredKey("key-b", "<key id=\"b\"><secret>x</secret></key>", T0);
        var newer = new StoredKey("key-a", "<key id=\"a\" />", T0.AddDays(90));

        await store.Keys.SaveAsync(newer, Ct);
        await store.Keys.SaveAsync(older, Ct);

        Assert.Equal([older, newer], await store.Keys.GetAllAsync(Ct));
    }

    [Fact]
    public async Task SaveKey_SameFriendlyName_ReplacesEarlierXml()
    {
        var store = await OpenInitializedAsync();
        await store.Keys.SaveAsync(new StoredKey("key-1", "<key version=\"1\" />", T0), Ct);
        var replacement = new StoredKey("key-1", "<key version=\"2\" />", T0.AddMinutes(1));

        await store.Keys.SaveAsync(replacement, Ct);

        Assert.Equal([replacement], await store.Keys.GetAllAsync(Ct));
    }

    [Fact]
    public async Task AuditEvent_AppendedThenQueried_KeepsEveryField()
    {
        var store = await OpenInitializedAsync();
        var full = new AuditEvent(
            "e-full", T0, "actor-1", "wallet.redeem", "subject-9", "trace-abc", "redeem_order_42", "ok");
        var sparse = new AuditEvent("e-sparse", T0.AddSeconds(-1), "actor-2", "link.create", null, null, null, null);

        await store.Audit.AppendAsync(full, Ct);
        await store.Audit.AppendAsync(sparse, Ct);

        var page = await store.Audit.QueryAsync(new AuditQuery(), Ct);
        Assert.Equal([full, sparse], page.Items);
    }

    [Fact]
    public async Task AuditQuery_WithoutFilters_ReturnsNewestFirst()
    {
        var store = await OpenInitializedAsync();
        await store.Audit.AppendAsync(Event("middle", T0), Ct);
        await store.Audit.AppendAsync(Event("newest", T0.AddHours(1)), Ct);
        await store.Audit.AppendAsync(Event("oldest", T0.AddHours(-1)), Ct);

        var page = await store.Audit.QueryAsync(new AuditQuery(), Ct);

        Assert.Equal(["newest", "middle", "oldest"], page.Items.Select(e => e.Id));
        Assert.Equal(3, page.Total);
    }

    [Fact]
    public async Task AuditQuery_ComparesInstants_NotLocalClockReadings()
    {
        var store = await OpenInitializedAsync();

        // 13:30 at +02:00 is 11:30 UTC: earlier than T0 (12:00 UTC) although its clock reading is later.
        var earlierInstant = new DateTimeOffset(2025, 3, 1, 13, 30, 0, TimeSpan.FromHours(2));
        await store.Audit.AppendAsync(Event("utc-noon", T0), Ct);
        await store.Audit.AppendAsync(Event("plus-two", earlierInstant), Ct);

        var page = await store.Audit.QueryAsync(new AuditQuery(From: T0), Ct);

        Assert.Equal(["utc-noon"], page.Items.Select(e => e.Id));
    }

    [Fact]
    public async Task AuditQuery_ByActor_ReturnsOnlyThatActorsEvents()
    {
        var store = await SeedAsync();

        var page = await store.Audit.QueryAsync(new AuditQuery(ActorId: "actor-2"), Ct);

        Assert.Equal(["e4", "e2"], page.Items.Select(e => e.Id));
        Assert.Equal(2, page.Total);
    }

    [Fact]
    public async Task AuditQuery_ByKind_ReturnsOnlyThatKind()
    {
        var store = await SeedAsync();

        var page = await store.Audit.QueryAsync(new AuditQuery(Kind: "link.create"), Ct);

        Assert.Equal(["e5", "e3"], page.Items.Select(e => e.Id));
        Assert.Equal(2, page.Total);
    }

    [Fact]
    public async Task AuditQuery_ByDateRange_IncludesFromAndExcludesTo()
    {
        var store = await SeedAsync();

        var page = await store.Audit.QueryAsync(new AuditQuery(From: T0.AddMinutes(1), To: T0.AddMinutes(3)), Ct);

        Assert.Equal(["e2", "e1"], page.Items.Select(e => e.Id));
        Assert.Equal(2, page.Total);
    }

    [Fact]
    public async Task AuditQuery_WithSeveralFilters_AppliesAllOfThem()
    {
        var store = await SeedAsync();

        var page = await store.Audit.QueryAsync(
            new AuditQuery(ActorId: "actor-1", Kind: "wallet.redeem", From: T0.AddMinutes(1)), Ct);

        Assert.Equal(["e1"], page.Items.Select(e => e.Id));
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task AuditQuery_WithNoMatch_ReturnsEmptyPageAndZeroTotal()
    {
        var store = await SeedAsync();

        var page = await store.Audit.QueryAsync(new AuditQuery(ActorId: "nobody"), Ct);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task AuditQuery_Paged_ReturnsTheRequestedSliceAndTheFullTotal()
    {
        var store = await OpenInitializedAsync();
        for (var i = 0; i < 7; i++)
        {
            await store.Audit.AppendAsync(Event($"e{i}", T0.AddMinutes(i)), Ct);
        }

        var first = await store.Audit.QueryAsync(new AuditQuery(Skip: 0, Take: 3), Ct);
        var second = await store.Audit.QueryAsync(new AuditQuery(Skip: 3, Take: 3), Ct);
        var last = await store.Audit.QueryAsync(new AuditQuery(Skip: 6, Take: 3), Ct);
        var beyond = await store.Audit.QueryAsync(new AuditQuery(Skip: 10, Take: 3), Ct);

        Assert.Equal(["e6", "e5", "e4"], first.Items.Select(e => e.Id));
        Assert.Equal(["e3", "e2", "e1"], second.Items.Select(e => e.Id));
        Assert.Equal(["e0"], last.Items.Select(e => e.Id));
        Assert.Empty(beyond.Items);
        Assert.All([first, second, last, beyond], p => Assert.Equal(7, p.Total));
    }

    [Fact]
    public async Task AuditQuery_PagingThroughEventsOfTheSameInstant_NeverRepeatsOrSkipsOne()
    {
        var store = await OpenInitializedAsync();
        string[] ids = ["a", "b", "c", "d", "e"];
        foreach (var id in ids)
        {
            await store.Audit.AppendAsync(Event(id, T0), Ct);
        }

        var seen = new List<string>();
        for (var skip = 0; skip < ids.Length; skip++)
        {
            var page = await store.Audit.QueryAsync(new AuditQuery(Skip: skip, Take: 1), Ct);
            seen.AddRange(page.Items.Select(e => e.Id));
        }

        Assert.Equal(ids, seen.Order());
    }

    [Fact]
    public async Task AuditQuery_ByCursor_WalksEveryMatchOnce_AcrossTiesInTime_WithTheFullTotalOrNoCount()
    {
        var store = await OpenInitializedAsync();
        foreach (var (id, minute, kind) in new[] { ("a", 0, "k"), ("b", 1, "k"), ("c", 1, "k"), ("d", 1, "other"), ("e", 1, "k"), ("f", 2, "k") })
        {
            await store.Audit.AppendAsync(Event(id, T0.AddMinutes(minute)) with { Kind = kind }, Ct);
        }

        var seen = new List<string>();
        var totals = new List<long>();
        AuditCursor? before = null;
        while (true)
        {
            var page = await store.Audit.QueryAsync(new AuditQuery(Kind: "k", Take: 2, Before: before), Ct);
            seen.AddRange(page.Items.Select(e => e.Id));
            totals.Add(page.Total);
            if (page.Items.Count < 2)
            {
                break;
            }

            before = AuditCursor.After(page.Items[^1]);
        }

        var uncounted = await store.Audit.QueryAsync(new AuditQuery(Kind: "k", Take: 2, CountTotal: false), Ct);

        Assert.Equal(["f", "e", "c", "b", "a"], seen);
        Assert.All(totals, t => Assert.Equal(5, t));
        Assert.Equal((AuditPage.NotCounted, 2), (uncounted.Total, uncounted.Items.Count));
        await Assert.ThrowsAsync<ArgumentException>(
            () => store.Audit.QueryAsync(new AuditQuery(Skip: 1, Before: new AuditCursor(T0, "a")), Ct));
    }

    [Fact]
    public async Task AuditQuery_CountingUpToALimit_SaysWhenThereAreMore()
    {
        var store = await OpenInitializedAsync();
        for (var i = 0; i < 5; i++)
        {
            await store.Audit.AppendAsync(Event($"e{i}", T0.AddMinutes(i)), Ct);
        }

        var capped = await store.Audit.QueryAsync(new AuditQuery(Take: 2, CountUpTo: 3), Ct);
        var exact = await store.Audit.QueryAsync(new AuditQuery(Take: 2, CountUpTo: 5), Ct);

        Assert.Equal((3L, true, 2), (capped.Total, capped.TotalIsLowerBound, capped.Items.Count));
        Assert.Equal((5L, false), (exact.Total, exact.TotalIsLowerBound));
    }

    [Fact]
    public async Task AuditAppend_SameIdTwice_StoresOneEvent()
    {
        var store = await OpenInitializedAsync();
        var auditEvent = Event("e1", T0);

        await store.Audit.AppendAsync(auditEvent, Ct);
        await store.Audit.AppendAsync(auditEvent, Ct);

        var page = await store.Audit.QueryAsync(new AuditQuery(), Ct);
        Assert.Equal([auditEvent], page.Items);
        Assert.Equal(1, page.Total);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(0, 0)]
    [InlineData(0, 1001)]
    public async Task AuditQuery_WithInvalidPaging_IsRefused(int skip, int take)
    {
        var store = await OpenInitializedAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => store.Audit.QueryAsync(new AuditQuery(Skip: skip, Take: take), Ct));
    }

    [Fact]
    public async Task Data_SurvivesReopeningTheStore()
    {
        var first = await OpenInitializedAsync();
        var key = new StoredKey("key-1", "<key id=\"1\" />", T0);
        var auditEvent = Event("e1", T0, outcome: "ok");
        await first.Keys.SaveAsync(key, Ct);
        await first.Audit.AppendAsync(auditEvent, Ct);

        var reopened = await OpenInitializedAsync();

        Assert.Equal([key], await reopened.Keys.GetAllAsync(Ct));
        Assert.Equal([auditEvent], (await reopened.Audit.QueryAsync(new AuditQuery(), Ct)).Items);
    }

    private async Task<PortalStores> OpenInitializedAsync()
    {
        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);
        return store;
    }

    /// <summary>Six events a minute apart, three actors and three kinds, appended out of order.</summary>
    private async Task<PortalStores> SeedAsync()
    {
        var store = await OpenInitializedAsync();
        AuditEvent[] events =
        [
            Event("e3", T0.AddMinutes(3), "actor-1", "link.create"),
            Event("e0", T0, "actor-1", "wallet.redeem"),
            Event("e4", T0.AddMinutes(4), "actor-2", "wallet.redeem"),
            Event("e1", T0.AddMinutes(1), "actor-1", "wallet.redeem"),
            Event("e2", T0.AddMinutes(2), "actor-2", "wallet.topup"),
            Event("e5", T0.AddMinutes(5), "actor-3", "link.create"),
        ];
        foreach (var auditEvent in events)
        {
            await store.Audit.AppendAsync(auditEvent, Ct);
        }

        return store;
    }

    private static AuditEvent Event(
        string id,
        DateTimeOffset occurredAt,
        string actorId = "actor-1",
        string kind = "wallet.redeem",
        string? outcome = null) =>
        new(id, occurredAt, actorId, kind, SubjectId: null, TraceId: $"trace-{id}", IdempotencyKey: null, outcome);
}
