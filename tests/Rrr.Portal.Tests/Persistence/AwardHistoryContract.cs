using Rrr.Core.Features.Awards;
using Rrr.Core.Persistence;
using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>Behaviour every adapter's award history must share.</summary>
public abstract class AwardHistoryContract<TAdapter> : IAsyncLifetime
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

    private async Task<IAwardHistoryStore> ReadyAsync()
    {
        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);
        return store.Awards;
    }

    private static AwardRecord Record(string model, string clientId, long points = 50, string viewer = "xcn_u_1003", int minute = 0) =>
        new(model, clientId, "rrr_m_" + model, viewer, points, "room_1", "stream_1", AwardRecordStatus.Pending,
            null, null, null, null, T0.AddMinutes(minute), T0.AddMinutes(minute), null);

    [Fact]
    public async Task Start_ThenGet_RoundTripsRoomAndStream()
    {
        var awards = await ReadyAsync();
        var record = Record("xcn_u_2001", "ca_1");

        var stored = await awards.StartAsync(record, Ct);

        Assert.Equal(record, stored);
        Assert.Equal(record, await OpenStore().Awards.GetAsync("xcn_u_2001", "ca_1", Ct));
    }

    [Fact]
    public async Task Start_Twice_KeepsTheFirstRow()
    {
        var awards = await ReadyAsync();
        await awards.StartAsync(Record("xcn_u_2001", "ca_1", points: 50), Ct);

        var second = await awards.StartAsync(Record("xcn_u_2001", "ca_1", points: 500, minute: 1), Ct);

        Assert.Equal(50, second.Points);
        Assert.Equal(1, (await awards.ListAsync("xcn_u_2001", 0, 10, Ct)).Total);
    }

    [Fact]
    public async Task Update_ToCommitted_RecordsIdsAndTime_AndACommittedRowNeverChangesAgain()
    {
        var awards = await ReadyAsync();
        await awards.StartAsync(Record("xcn_u_2001", "ca_1"), Ct);
        Assert.True(await awards.UpdateAsync(
            new AwardUpdate("xcn_u_2001", "ca_1", AwardRecordStatus.Pending, "ai_1", null, null, "trace_1", T0.AddSeconds(1), null), Ct));

        Assert.True(await awards.UpdateAsync(
            new AwardUpdate("xcn_u_2001", "ca_1", AwardRecordStatus.Committed, null, "aw_1", null, null, T0.AddSeconds(2), T0.AddSeconds(2)), Ct));
        var late = await awards.UpdateAsync(
            new AwardUpdate("xcn_u_2001", "ca_1", AwardRecordStatus.Refused, null, null, "not_linked", null, T0.AddSeconds(3), null), Ct);

        Assert.False(late);
        var row = await awards.GetAsync("xcn_u_2001", "ca_1", Ct);
        Assert.NotNull(row);
        Assert.Equal(AwardRecordStatus.Committed, row.Status);
        Assert.Equal("ai_1", row.AwardIntentId);
        Assert.Equal("aw_1", row.AwardId);
        Assert.Equal("trace_1", row.TraceId);
        Assert.Null(row.FailureCode);
        Assert.Equal(T0.AddSeconds(2), row.CommittedAt);
    }

    [Fact]
    public async Task Update_ACommittedRow_MovesOnToReversed_AndAReversedRowNeverChangesAgain()
    {
        var awards = await ReadyAsync();
        await awards.StartAsync(Record("xcn_u_2001", "ca_1"), Ct);
        await awards.UpdateAsync(new AwardUpdate("xcn_u_2001", "ca_1", AwardRecordStatus.Committed, "ai_1", "aw_1", null, null, T0.AddSeconds(1), T0.AddSeconds(1)), Ct);

        var reversed = await awards.UpdateAsync(
            new AwardUpdate("xcn_u_2001", "ca_1", AwardRecordStatus.Reversed, null, null, null, null, T0.AddSeconds(2), null), Ct);
        var recommitted = await awards.UpdateAsync(
            new AwardUpdate("xcn_u_2001", "ca_1", AwardRecordStatus.Committed, null, null, null, null, T0.AddSeconds(3), T0.AddSeconds(3)), Ct);
        var reversedAgain = await awards.UpdateAsync(
            new AwardUpdate("xcn_u_2001", "ca_1", AwardRecordStatus.Reversed, null, null, null, null, T0.AddSeconds(4), null), Ct);

        Assert.True(reversed);
        Assert.False(recommitted);
        Assert.False(reversedAgain);
        var row = await OpenStore().Awards.GetAsync("xcn_u_2001", "ca_1", Ct);
        Assert.NotNull(row);
        Assert.Equal((AwardRecordStatus.Reversed, "aw_1", T0.AddSeconds(1), T0.AddSeconds(2)), (row.Status, row.AwardId, row.CommittedAt, row.UpdatedAt));
    }

    [Fact]
    public async Task FindByIntent_FindsTheRowOfThatIntent_AndNothingForAnUnknownOne()
    {
        var awards = await ReadyAsync();
        await awards.StartAsync(Record("xcn_u_2001", "ca_1"), Ct);
        await awards.StartAsync(Record("xcn_u_2002", "ca_2"), Ct);
        await awards.UpdateAsync(new AwardUpdate("xcn_u_2002", "ca_2", AwardRecordStatus.Pending, "ai_2", null, null, null, T0.AddSeconds(1), null), Ct);

        var found = await OpenStore().Awards.FindByIntentAsync("ai_2", Ct);

        Assert.NotNull(found);
        Assert.Equal(("xcn_u_2002", "ca_2"), (found.ModelXcnUserId, found.ClientAwardId));
        Assert.Null(await awards.FindByIntentAsync("ai_unknown", Ct));
    }

    [Fact]
    public async Task List_IsNewestFirst_Paged_AndOnlyTheModelsOwn()
    {
        var awards = await ReadyAsync();
        for (var i = 0; i < 5; i++)
        {
            await awards.StartAsync(Record("xcn_u_2001", "ca_" + i, points: 10 + i, minute: i), Ct);
        }

        await awards.StartAsync(Record("xcn_u_2002", "ca_other", minute: 10), Ct);

        var first = await awards.ListAsync("xcn_u_2001", 0, 2, Ct);
        var last = await awards.ListAsync("xcn_u_2001", 4, 2, Ct);

        Assert.Equal(5, first.Total);
        Assert.Equal(["ca_4", "ca_3"], first.Items.Select(a => a.ClientAwardId));
        Assert.Equal(["ca_0"], last.Items.Select(a => a.ClientAwardId));
        Assert.All(first.Items.Concat(last.Items), a => Assert.Equal("xcn_u_2001", a.ModelXcnUserId));
        Assert.Equal(1, (await awards.ListAsync("xcn_u_2002", 0, 10, Ct)).Total);
    }

    [Fact]
    public async Task Get_OfAnotherModel_IsNull()
    {
        var awards = await ReadyAsync();
        await awards.StartAsync(Record("xcn_u_2001", "ca_1"), Ct);

        Assert.Null(await awards.GetAsync("xcn_u_2002", "ca_1", Ct));
    }

    [Fact]
    public async Task Totals_CountCommittedOfTheStreamAndOfToday_ReservedAddsPending_AndOnlyTheModelsOwn()
    {
        var awards = await ReadyAsync();
        async Task AddAsync(string model, string id, long points, AwardRecordStatus status, string stream = "stream_1", int minute = 0)
        {
            await awards.StartAsync(Record(model, id, points, minute: minute) with { StreamId = stream }, Ct);
            await awards.UpdateAsync(new AwardUpdate(model, id, status, null, null, null, null, T0, status == AwardRecordStatus.Committed ? T0 : null), Ct);
        }

        await AddAsync("xcn_u_2001", "ca_1", 100, AwardRecordStatus.Committed);
        await AddAsync("xcn_u_2001", "ca_2", 40, AwardRecordStatus.Committed, minute: 5);
        await AddAsync("xcn_u_2001", "ca_3", 7, AwardRecordStatus.Pending, minute: 6);
        await AddAsync("xcn_u_2001", "ca_4", 500, AwardRecordStatus.Refused, minute: 7);
        await AddAsync("xcn_u_2001", "ca_5", 30, AwardRecordStatus.Committed, stream: "stream_0", minute: -60 * 24); // yesterday's stream
        await AddAsync("xcn_u_2001", "ca_6", 20, AwardRecordStatus.Committed, stream: "stream_2", minute: 8); // another stream today
        await AddAsync("xcn_u_2002", "ca_7", 900, AwardRecordStatus.Committed);

        var totals = await awards.TotalsAsync("xcn_u_2001", "stream_1", T0.AddMinutes(-60), Ct);

        Assert.Equal(new AwardTotals(StreamPoints: 140, StreamAwards: 2, StreamReservedPoints: 147, TodayPoints: 160, TodayAwards: 3), totals);
        Assert.Equal(AwardTotals.None, await awards.TotalsAsync("xcn_u_2003", "stream_1", T0.AddMinutes(-60), Ct));
    }
}
