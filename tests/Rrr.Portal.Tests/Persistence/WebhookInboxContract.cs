using Rrr.Core.Features.Webhooks;
using Rrr.Core.Persistence;
using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>
/// Behaviour every adapter's webhook inbox must share. Each test has its own storage; several
/// adapter instances over it stand for several portal instances.
/// </summary>
public abstract class WebhookInboxContract<TAdapter> : IAsyncLifetime
    where TAdapter : StoreAdapter, new()
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

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

    private static InboxEvent Event(string id, DateTimeOffset? receivedAt = null, string type = "POINTS_POSTED") =>
        new(id, type, receivedAt ?? T0, "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"data\":{\"resource_type\":\"wallet\"}}");

    [Fact]
    public async Task TryAdd_NewEvent_IsStoredPending()
    {
        var store = await ReadyStoreAsync();

        var result = await store.Inbox.TryAddAsync(Event("evt_1"), Ct);

        Assert.Equal(InboxAddResult.Added, result);
        var record = await store.Inbox.GetAsync("evt_1", Ct);
        Assert.NotNull(record);
        Assert.Equal(Event("evt_1"), record.Event);
        Assert.Equal(InboxStatus.Pending, record.Status);
        Assert.Equal(0, record.Attempts);
        Assert.Null(record.Outcome);
    }

    [Fact]
    public async Task TryAdd_SameIdAgain_IsDuplicate_AndKeepsTheFirst()
    {
        var store = await ReadyStoreAsync();
        await store.Inbox.TryAddAsync(Event("evt_1"), Ct);

        var again = await OpenStore().Inbox.TryAddAsync(Event("evt_1", T0.AddMinutes(5), "LINK_UPDATED"), Ct);

        Assert.Equal(InboxAddResult.Duplicate, again);
        Assert.Equal(1, await store.Inbox.CountAsync(null, Ct));
        Assert.Equal("POINTS_POSTED", (await store.Inbox.GetAsync("evt_1", Ct))!.Event.Type);
    }

    [Fact]
    public async Task TryAddMany_ReportsEachEventInOrder_IncludingRepeatsWithinTheBatch()
    {
        var store = await ReadyStoreAsync();
        await store.Inbox.TryAddAsync(Event("evt_old"), Ct);

        var results = await store.Inbox.TryAddManyAsync(
            [Event("evt_a"), Event("evt_old"), Event("evt_b"), Event("evt_a")], Ct);

        Assert.Equal(
            [InboxAddResult.Added, InboxAddResult.Duplicate, InboxAddResult.Added, InboxAddResult.Duplicate],
            results);
        Assert.Equal(3, await store.Inbox.CountAsync(null, Ct));
    }

    [Fact]
    public async Task Claim_TakesDueEventsOldestFirst_UpToMax_CountingAnAttempt()
    {
        var store = await ReadyStoreAsync();
        await store.Inbox.TryAddManyAsync(
            [Event("evt_c", T0.AddSeconds(2)), Event("evt_a", T0), Event("evt_b", T0.AddSeconds(1))], Ct);

        var claimed = await store.Inbox.ClaimAsync("owner-1", 2, T0.AddSeconds(10), T0.AddSeconds(10) + Lease, Ct);

        Assert.Equal(["evt_a", "evt_b"], claimed.Select(c => c.Event.EventId));
        Assert.All(claimed, c => Assert.Equal(1, c.Attempts));
        var record = await store.Inbox.GetAsync("evt_a", Ct);
        Assert.Equal("owner-1", record!.ClaimedBy);
        Assert.Equal(T0.AddSeconds(10) + Lease, record.LeaseUntil);
    }

    [Fact]
    public async Task Claim_LeasedEvent_IsInvisibleToAnotherInstance_UntilTheLeaseRunsOut()
    {
        var first = await ReadyStoreAsync();
        var second = OpenStore();
        await first.Inbox.TryAddAsync(Event("evt_1"), Ct);
        await first.Inbox.ClaimAsync("owner-1", 10, T0, T0 + Lease, Ct);

        var whileLeased = await second.Inbox.ClaimAsync("owner-2", 10, T0.AddSeconds(30), T0.AddSeconds(30) + Lease, Ct);
        var afterLease = await second.Inbox.ClaimAsync("owner-2", 10, T0 + Lease, T0 + Lease + Lease, Ct);

        Assert.Empty(whileLeased);
        var reclaimed = Assert.Single(afterLease);
        Assert.Equal(2, reclaimed.Attempts);

        // The first owner lost its lease, so it can no longer settle the event.
        Assert.False(await first.Inbox.MarkProcessedAsync("evt_1", "owner-1", InboxOutcome.Applied, T0.AddMinutes(2), Ct));
        Assert.True(await second.Inbox.MarkProcessedAsync("evt_1", "owner-2", InboxOutcome.Applied, T0.AddMinutes(2), Ct));
    }

    [Fact]
    public async Task Claim_ConcurrentInstances_NeverLeaseTheSameEvent()
    {
        var store = await ReadyStoreAsync();
        await store.Inbox.TryAddManyAsync(Enumerable.Range(0, 60).Select(i => Event($"evt_{i:D3}", T0.AddMilliseconds(i))).ToList(), Ct);
        var instances = Enumerable.Range(0, 4).Select(_ => OpenStore()).ToList();

        var claims = await Task.WhenAll(instances.Select((s, i) => Task.Run(async () =>
        {
            var mine = new List<string>();
            while (true)
            {
                var batch = await s.Inbox.ClaimAsync($"owner-{i}", 7, T0.AddMinutes(1), T0.AddMinutes(2), Ct);
                if (batch.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(batch.Select(b => b.Event.EventId));
            }
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(60, all.Count);
        Assert.Equal(60, all.Distinct().Count());
    }

    [Fact]
    public async Task MarkProcessed_SettlesTheEvent_SoItIsNeverClaimedAgain()
    {
        var store = await ReadyStoreAsync();
        await store.Inbox.TryAddAsync(Event("evt_1"), Ct);
        await store.Inbox.ClaimAsync("owner-1", 10, T0, T0 + Lease, Ct);

        Assert.True(await store.Inbox.MarkProcessedAsync("evt_1", "owner-1", InboxOutcome.Stale, T0.AddSeconds(1), Ct));

        var record = await store.Inbox.GetAsync("evt_1", Ct);
        Assert.Equal(InboxStatus.Processed, record!.Status);
        Assert.Equal(InboxOutcome.Stale, record.Outcome);
        Assert.Equal(T0.AddSeconds(1), record.ProcessedAt);
        Assert.Null(record.ClaimedBy);
        Assert.Empty(await store.Inbox.ClaimAsync("owner-1", 10, T0.AddHours(1), T0.AddHours(2), Ct));
        Assert.False(await store.Inbox.MarkProcessedAsync("evt_1", "owner-1", InboxOutcome.Applied, T0.AddSeconds(2), Ct));
    }

    [Fact]
    public async Task MarkFailed_WithRetryTime_IsDueAgainOnlyThen_KeepingTheErrorClass()
    {
        var store = await ReadyStoreAsync();
        await store.Inbox.TryAddAsync(Event("evt_1"), Ct);
        await store.Inbox.ClaimAsync("owner-1", 10, T0, T0 + Lease, Ct);

        Assert.True(await store.Inbox.MarkFailedAsync("evt_1", "owner-1", "TimeoutException", T0.AddSeconds(30), Ct));

        var record = await store.Inbox.GetAsync("evt_1", Ct);
        Assert.Equal(InboxStatus.Pending, record!.Status);
        Assert.Equal("TimeoutException", record.LastError);
        Assert.Null(record.ClaimedBy);
        Assert.Empty(await store.Inbox.ClaimAsync("owner-1", 10, T0.AddSeconds(29), T0.AddMinutes(2), Ct));
        var retry = Assert.Single(await store.Inbox.ClaimAsync("owner-1", 10, T0.AddSeconds(30), T0.AddMinutes(2), Ct));
        Assert.Equal(2, retry.Attempts);
    }

    [Fact]
    public async Task OldestPending_IsTheEarliestWaitingEvent_LeasedOrNot_AndNullWhenNoneWaits()
    {
        var store = await ReadyStoreAsync();
        Assert.Null(await store.Inbox.OldestPendingReceivedAtAsync(Ct));

        await store.Inbox.TryAddManyAsync([Event("evt_b", T0.AddSeconds(5)), Event("evt_a", T0.AddSeconds(2)), Event("evt_c", T0.AddSeconds(9))], Ct);
        var claimed = await store.Inbox.ClaimAsync("owner-1", 1, T0.AddSeconds(10), T0.AddSeconds(10) + Lease, Ct);
        Assert.Equal(T0.AddSeconds(2), await store.Inbox.OldestPendingReceivedAtAsync(Ct));

        await store.Inbox.MarkProcessedAsync(claimed[0].Event.EventId, "owner-1", InboxOutcome.Applied, T0.AddSeconds(11), Ct);
        Assert.Equal(T0.AddSeconds(5), await store.Inbox.OldestPendingReceivedAtAsync(Ct));
    }

    [Fact]
    public async Task MarkFailed_WithoutRetryTime_IsDead()
    {
        var store = await ReadyStoreAsync();
        await store.Inbox.TryAddManyAsync([Event("evt_1"), Event("evt_2")], Ct);
        await store.Inbox.ClaimAsync("owner-1", 10, T0, T0 + Lease, Ct);

        await store.Inbox.MarkFailedAsync("evt_1", "owner-1", "InvalidOperationException", null, Ct);

        Assert.Equal(InboxStatus.Failed, (await store.Inbox.GetAsync("evt_1", Ct))!.Status);
        Assert.Equal(1, await store.Inbox.CountAsync(InboxStatus.Failed, Ct));
        Assert.Equal(1, await store.Inbox.CountAsync(InboxStatus.Pending, Ct));
        var later = await store.Inbox.ClaimAsync("owner-2", 10, T0.AddDays(1), T0.AddDays(2), Ct);
        Assert.Equal(["evt_2"], later.Select(c => c.Event.EventId));
    }

    [Fact]
    public async Task Purge_DeletesEventsReceivedBeforeTheCutoff_WhateverTheirStatus()
    {
        var store = await ReadyStoreAsync();
        await store.Inbox.TryAddManyAsync(
            [Event("evt_old_pending", T0), Event("evt_old_done", T0.AddDays(1)), Event("evt_new", T0.AddDays(31))], Ct);
        await store.Inbox.ClaimAsync("owner-1", 1, T0.AddDays(2), T0.AddDays(3), Ct);

        var purged = await store.Inbox.PurgeAsync(T0.AddDays(31), Ct);

        Assert.Equal(2, purged);
        Assert.Null(await store.Inbox.GetAsync("evt_old_pending", Ct));
        Assert.NotNull(await store.Inbox.GetAsync("evt_new", Ct));
    }

    [Fact]
    public async Task TryApply_OnlyAStrictlyNewerVersionReplacesTheState()
    {
        var store = await ReadyStoreAsync();
        ResourceState State(long version, string eventId) =>
            new("wallet", "rrr_m_1001", version, eventId, "POINTS_POSTED", $$"""{"version":{{version}}}""", T0.AddSeconds(version));

        Assert.Equal(ResourceApplyResult.Applied, await store.Versions.TryApplyAsync(State(2, "evt_2"), Ct));
        Assert.Equal(ResourceApplyResult.Stale, await store.Versions.TryApplyAsync(State(1, "evt_1"), Ct));
        Assert.Equal(ResourceApplyResult.Stale, await OpenStore().Versions.TryApplyAsync(State(2, "evt_2_again"), Ct));
        Assert.Equal(State(2, "evt_2"), await store.Versions.GetAsync("wallet", "rrr_m_1001", Ct));

        Assert.Equal(ResourceApplyResult.Applied, await store.Versions.TryApplyAsync(State(3, "evt_3"), Ct));
        Assert.Equal(State(3, "evt_3"), await store.Versions.GetAsync("wallet", "rrr_m_1001", Ct));
    }

    [Fact]
    public async Task TryApply_KeysByTypeAndId()
    {
        var store = await ReadyStoreAsync();

        await store.Versions.TryApplyAsync(new("wallet", "x_1", 5, "evt_w", "POINTS_POSTED", "{}", T0), Ct);
        var other = await store.Versions.TryApplyAsync(new("link", "x_1", 1, "evt_l", "LINK_UPDATED", "{}", T0), Ct);

        Assert.Equal(ResourceApplyResult.Applied, other);
        Assert.Equal(5, (await store.Versions.GetAsync("wallet", "x_1", Ct))!.Version);
        Assert.Equal(1, (await store.Versions.GetAsync("link", "x_1", Ct))!.Version);
        Assert.Null(await store.Versions.GetAsync("wallet", "x_2", Ct));
    }
}
