using Rrr.Core.Features.Approvals;
using Rrr.Core.Persistence;
using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>Behaviour every adapter's approval store shares: revisions, the chained log, outcomes.</summary>
public abstract class ApprovalStoreContract<TAdapter> : IAsyncLifetime
    where TAdapter : StoreAdapter, new()
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ApprovalChainKeys Chain { get; } = Support.TestChainKeys.Create();

    protected PortalStores OpenStore() => Adapter.Open();

    /// <summary>This test's storage on the adapter under test.</summary>
    protected TAdapter Adapter { get; } = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<IApprovalStore> ReadyAsync()
    {
        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);
        return store.Approvals;
    }

    private static ApprovalRequest Request(string id) =>
        new(id, "adjustment", "xcn_u_1001", """{"points":50}""", 1, new ApprovalPolicy(2, true), "ada", ApprovalStatus.Pending, T0, T0.AddDays(3), 1);

    private static ApprovalRecordDraft Draft(string id, ApprovalAction action, string actor) =>
        new(id, action, actor, ApprovalRoles.XcnAdmin, 1, null, T0);

    [Fact]
    public async Task Create_ThenGet_RoundTrips_WithItsFirstRecord()
    {
        var store = await ReadyAsync();

        await store.CreateAsync(Request("apr_1"), Draft("apr_1", ApprovalAction.Requested, "ada"), Chain, Ct);

        Assert.Equal(Request("apr_1"), await store.GetAsync("apr_1", Ct));
        var record = Assert.Single(await store.GetRecordsAsync("apr_1", Ct));
        Assert.Equal((1L, ApprovalChain.Genesis), (record.Sequence, record.PreviousHash));
        Assert.Equal((RecordSeal.Valid, "k1"), (Chain.Check(record), record.KeyId));
    }

    [Fact]
    public async Task Update_AtTheExpectedRevision_IsStored_AndAtAStaleOneIsRefusedWithoutARecord()
    {
        var store = await ReadyAsync();
        await store.CreateAsync(Request("apr_1"), Draft("apr_1", ApprovalAction.Requested, "ada"), Chain, Ct);
        var approved = Request("apr_1") with { Status = ApprovalStatus.Approved, Revision = 2 };

        var first = await store.UpdateAsync(approved, 1, Draft("apr_1", ApprovalAction.Approved, "grace"), Chain, Ct);
        var stale = await store.UpdateAsync(approved, 1, Draft("apr_1", ApprovalAction.Approved, "hugo"), Chain, Ct);

        Assert.True(first);
        Assert.False(stale);
        Assert.Equal(approved, await store.GetAsync("apr_1", Ct));
        Assert.Equal(["ada", "grace"], (await store.GetRecordsAsync("apr_1", Ct)).Select(r => r.ActorId));
        Assert.True(ApprovalChain.Verify(await store.ReadLogAsync(0, 10, Ct), Chain).Intact);
    }

    [Fact]
    public async Task Log_SpansRequests_InOneChain_NewestRequestListedFirst()
    {
        var store = await ReadyAsync();
        await store.CreateAsync(Request("apr_1"), Draft("apr_1", ApprovalAction.Requested, "ada"), Chain, Ct);
        await store.CreateAsync(Request("apr_2") with { CreatedAt = T0.AddMinutes(1) }, Draft("apr_2", ApprovalAction.Requested, "grace"), Chain, Ct);

        var log = await store.ReadLogAsync(0, 10, Ct);

        Assert.Equal(["apr_1", "apr_2"], log.Select(r => r.RequestId));
        Assert.Equal(log[0].Hash, log[1].PreviousHash);
        Assert.Equal(["apr_2", "apr_1"], (await store.ListAsync("adjustment", 10, Ct)).Select(r => r.Id));
        Assert.Empty(await store.ListAsync("promotion", 10, Ct));
    }

    [Fact]
    public async Task ASubjectsRequests_AreListedNewestFirst_WithoutOtherSubjectsOrKinds()
    {
        var store = await ReadyAsync();
        await store.CreateAsync(Request("apr_1") with { Kind = "promotion", SubjectId = "promo_a" }, Draft("apr_1", ApprovalAction.Requested, "ada"), Chain, Ct);
        await store.CreateAsync(Request("apr_2") with { Kind = "promotion", SubjectId = "promo_b", CreatedAt = T0.AddMinutes(1) }, Draft("apr_2", ApprovalAction.Requested, "ada"), Chain, Ct);
        await store.CreateAsync(Request("apr_3") with { Kind = "promotion", SubjectId = "promo_a", CreatedAt = T0.AddMinutes(2) }, Draft("apr_3", ApprovalAction.Requested, "ada"), Chain, Ct);
        await store.CreateAsync(Request("apr_4") with { SubjectId = "promo_a", CreatedAt = T0.AddMinutes(3) }, Draft("apr_4", ApprovalAction.Requested, "ada"), Chain, Ct);

        Assert.Equal(["apr_3", "apr_1"], (await store.ListForSubjectAsync("promotion", "promo_a", 10, Ct)).Select(r => r.Id));
        Assert.Equal(["apr_3"], (await store.ListForSubjectAsync("promotion", "promo_a", 1, Ct)).Select(r => r.Id));
        Assert.Empty(await store.ListForSubjectAsync("promotion", "promo_c", 10, Ct));
    }

    [Fact]
    public async Task Outcome_IsFoundByExternalId_AndAnOlderVersionNeverOverwritesANewerOne()
    {
        var store = await ReadyAsync();
        await store.CreateAsync(Request("apr_1"), Draft("apr_1", ApprovalAction.Requested, "ada"), Chain, Ct);

        Assert.True(await store.SetOutcomeAsync("apr_1", new ApprovalOutcome("adj_1", "PENDING_RRR_APPROVAL", 1, null, T0), Ct));
        Assert.True(await store.SetOutcomeAsync("apr_1", new ApprovalOutcome("adj_1", "POSTED", 2, null, T0), Ct));
        Assert.False(await store.SetOutcomeAsync("apr_1", new ApprovalOutcome("adj_1", "PENDING_RRR_APPROVAL", 1, null, T0), Ct));

        var found = await store.FindByExternalIdAsync("adjustment", "adj_1", Ct);
        Assert.Equal("apr_1", found?.Id);
        Assert.Equal(new ApprovalOutcome("adj_1", "POSTED", 2, null, T0), found?.Outcome);
        Assert.Null(await store.FindByExternalIdAsync("promotion", "adj_1", Ct));
    }

    [Fact]
    public async Task ConcurrentAppends_FromTwoRequests_KeepOneUnbrokenChain()
    {
        var store = await ReadyAsync();
        await Task.WhenAll(Enumerable.Range(1, 10).Select(i => Task.Run(
            () => store.CreateAsync(Request($"apr_{i}"), Draft($"apr_{i}", ApprovalAction.Requested, "ada"), Chain, Ct), Ct)));

        var result = ApprovalChain.Verify(await store.ReadLogAsync(0, 100, Ct), Chain);

        Assert.True(result.Intact, result.Problem);
        Assert.Equal(10, result.RecordsChecked);
    }

    /// <summary>
    /// A decision is one unit (request update + its record): of two approvals at the same revision, from two
    /// instances at once, exactly one is stored, and the chain holds its record and no other.
    /// </summary>
    [Fact]
    public async Task TwoApprovalsAtTheSameRevision_FromTwoInstances_ExactlyOneWins_WithExactlyItsRecord()
    {
        var store = await ReadyAsync();
        var other = OpenStore().Approvals;
        await store.CreateAsync(Request("apr_1"), Draft("apr_1", ApprovalAction.Requested, "ada"), Chain, Ct);
        var approved = Request("apr_1") with { Status = ApprovalStatus.Approved, Revision = 2 };

        var won = await Task.WhenAll(
            Task.Run(() => store.UpdateAsync(approved, 1, Draft("apr_1", ApprovalAction.Approved, "grace"), Chain, Ct), Ct),
            Task.Run(() => other.UpdateAsync(approved, 1, Draft("apr_1", ApprovalAction.Approved, "hugo"), Chain, Ct), Ct));

        Assert.Single(won, w => w);
        Assert.Equal(approved, await store.GetAsync("apr_1", Ct));
        Assert.Equal(["ada", won[0] ? "grace" : "hugo"], (await store.GetRecordsAsync("apr_1", Ct)).Select(r => r.ActorId));
        Assert.True(ApprovalChain.Verify(await store.ReadLogAsync(0, 10, Ct), Chain).Intact);
    }

    [Fact]
    public async Task ListPending_IsOldestFirst_WithoutDecidedOrExpired_AndFiltersByKind()
    {
        var store = await ReadyAsync();
        await store.CreateAsync(Request("apr_b") with { CreatedAt = T0.AddMinutes(2) }, Draft("apr_b", ApprovalAction.Requested, "ada"), Chain, Ct);
        await store.CreateAsync(Request("apr_a") with { CreatedAt = T0.AddMinutes(1) }, Draft("apr_a", ApprovalAction.Requested, "ada"), Chain, Ct);
        await store.CreateAsync(
            Request("apr_p") with { Kind = "promotion", CreatedAt = T0.AddMinutes(3) }, Draft("apr_p", ApprovalAction.Requested, "ada"), Chain, Ct);
        await store.CreateAsync(
            Request("apr_x") with { CreatedAt = T0, ExpiresAt = T0.AddHours(1) }, Draft("apr_x", ApprovalAction.Requested, "ada"), Chain, Ct);
        await store.CreateAsync(Request("apr_d") with { CreatedAt = T0 }, Draft("apr_d", ApprovalAction.Requested, "ada"), Chain, Ct);
        await store.UpdateAsync(
            Request("apr_d") with { CreatedAt = T0, Status = ApprovalStatus.Approved, Revision = 2 }, 1, Draft("apr_d", ApprovalAction.Approved, "grace"), Chain, Ct);
        var now = T0.AddHours(1);

        var all = await store.ListPendingAsync(new ApprovalQueueQuery(now), Ct);
        var adjustments = await store.ListPendingAsync(new ApprovalQueueQuery(now, Kind: "adjustment"), Ct);
        var beforeExpiry = await store.ListPendingAsync(new ApprovalQueueQuery(now.AddTicks(-TimeSpan.TicksPerMillisecond)), Ct);

        Assert.Equal(["apr_a", "apr_b", "apr_p"], all.Select(r => r.Id));
        Assert.Equal(["apr_a", "apr_b"], adjustments.Select(r => r.Id));
        Assert.Equal(["apr_x", "apr_a", "apr_b", "apr_p"], beforeExpiry.Select(r => r.Id));
    }

    [Fact]
    public async Task ListPending_PagesByCursor_BreakingTimeTiesById_WithoutSkipsOrRepeats()
    {
        var store = await ReadyAsync();
        foreach (var (id, minute) in new[] { ("apr_3", 0), ("apr_1", 0), ("apr_2", 0), ("apr_5", 1), ("apr_4", 2) })
        {
            await store.CreateAsync(Request(id) with { CreatedAt = T0.AddMinutes(minute) }, Draft(id, ApprovalAction.Requested, "ada"), Chain, Ct);
        }

        var seen = new List<string>();
        ApprovalQueueCursor? after = null;
        while (true)
        {
            var page = await store.ListPendingAsync(new ApprovalQueueQuery(T0, After: after, Take: 2), Ct);
            seen.AddRange(page.Select(r => r.Id));
            if (page.Count < 2)
            {
                break;
            }

            after = new ApprovalQueueCursor(page[^1].CreatedAt, page[^1].Id);
        }

        Assert.Equal(["apr_1", "apr_2", "apr_3", "apr_5", "apr_4"], seen);
    }

    [Fact]
    public async Task GetRecordsFor_ReadsSeveralRequestsRecords_InSequenceOrder()
    {
        var store = await ReadyAsync();
        await store.CreateAsync(Request("apr_1"), Draft("apr_1", ApprovalAction.Requested, "ada"), Chain, Ct);
        await store.CreateAsync(Request("apr_2"), Draft("apr_2", ApprovalAction.Requested, "grace"), Chain, Ct);
        await store.CreateAsync(Request("apr_3"), Draft("apr_3", ApprovalAction.Requested, "hugo"), Chain, Ct);
        await store.UpdateAsync(Request("apr_1") with { Revision = 2 }, 1, Draft("apr_1", ApprovalAction.Approved, "grace"), Chain, Ct);

        var records = await store.GetRecordsForAsync(["apr_1", "apr_3"], Ct);

        Assert.Equal([(1L, "apr_1"), (3L, "apr_3"), (4L, "apr_1")], records.Select(r => (r.Sequence, r.RequestId)));
        Assert.Empty(await store.GetRecordsForAsync([], Ct));
    }
}
