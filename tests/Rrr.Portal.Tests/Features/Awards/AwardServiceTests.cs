using Rrr.Core.Features.Audit;
using Rrr.Core.Features.Awards;
using Rrr.Core.Rrr.Http;

namespace Rrr.Portal.Tests.Features.Awards;

public sealed class AwardServiceTests : IDisposable
{
    private readonly AwardHarness harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task Award_ToALinkedViewer_CommitsOnce_AndRecordsRoomStreamAndIds()
    {
        using var service = harness.CreateService();

        var result = await service.AwardAsync(new AwardRequest("ca_1", "xcn_u_1003", 50), Ct);

        Assert.Equal(AwardOutcome.Awarded, result.Outcome);
        var award = Assert.Single(harness.Awards.Committed);
        Assert.Equal(9_950, harness.Awards.Balances["rrr_m_2001"]);
        var body = Assert.Single(harness.Awards.IntentBodies);
        Assert.Equal(("rrr_m_2001", "xcn_u_1003", 50L, "room_luna", "stream_luna"),
            (body.ModelMemberId, body.ViewerXcnUserId, body.Points, body.RoomId, body.StreamId));
        var row = await harness.Db.Store.Awards.GetAsync("xcn_u_2001", "ca_1", Ct);
        Assert.NotNull(row);
        Assert.Equal(AwardRecordStatus.Committed, row.Status);
        Assert.Equal(("room_luna", "stream_luna", "xcn_u_1003", 50L), (row.RoomId, row.StreamId, row.ViewerXcnUserId, row.Points));
        Assert.Equal(award.AwardId, row.AwardId);
        Assert.Equal(award.AwardIntentId, row.AwardIntentId);
        Assert.Equal(AwardHarness.T0, row.CommittedAt);
    }

    [Fact]
    public async Task DoubleSubmit_OfOneDialog_IsOneAward()
    {
        using var service = harness.CreateService();
        harness.Awards.IntentGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var request = new AwardRequest("ca_double", "xcn_u_1003", 50);

        var first = service.AwardAsync(request, Ct);
        var second = service.AwardAsync(request, Ct);
        harness.Awards.IntentGate.SetResult();
        var results = await Task.WhenAll(first, second);
        var third = await harness.CreateService().AwardAsync(request, Ct);

        Assert.All(results.Append(third), r => Assert.Equal(AwardOutcome.Awarded, r.Outcome));
        Assert.Single(harness.Awards.Committed);
        Assert.Equal(9_950, harness.Awards.Balances["rrr_m_2001"]);
        Assert.Equal(1, (await harness.Db.Store.Awards.ListAsync("xcn_u_2001", 0, 10, Ct)).Total);
    }

    [Fact]
    public async Task Award_ToAnUnlinkedViewer_IsRefusedWithRrrsDetail_AndNothingMoves()
    {
        using var service = harness.CreateService();

        var result = await service.AwardAsync(new AwardRequest("ca_pia", "xcn_u_1004", 50), Ct);

        Assert.Equal(AwardOutcome.ViewerNotLinked, result.Outcome);
        Assert.Equal("This viewer has not linked a RedRoomRewards account yet, so they cannot receive points.", result.Message);
        Assert.True(result.NeedsNewClientAwardId);
        Assert.Empty(harness.Awards.Committed);
        Assert.Equal(10_000, harness.Awards.Balances["rrr_m_2001"]);
        var row = await harness.Db.Store.Awards.GetAsync("xcn_u_2001", "ca_pia", Ct);
        Assert.Equal((AwardRecordStatus.Refused, "not_linked"), (row!.Status, row.FailureCode));
        var audit = await harness.Db.Store.Audit.QueryAsync(new AuditQuery(ActorId: "xcn_u_2001", Kind: AwardService.AuditKind), Ct);
        var entry = Assert.Single(audit.Items);
        Assert.Equal(("xcn_u_1004", "not_linked", IdempotencyKeys.AwardIntent("ca_pia")), (entry.SubjectId, entry.Outcome, entry.IdempotencyKey));
    }

    [Fact]
    public async Task Award_BeyondTheModelsBalance_IsInsufficientPoints_WithTheBalance()
    {
        harness.Awards.Balances["rrr_m_2001"] = 30;
        using var service = harness.CreateService();

        var result = await service.AwardAsync(new AwardRequest("ca_big", "xcn_u_1003", 50), Ct);

        Assert.Equal(AwardOutcome.InsufficientPoints, result.Outcome);
        Assert.Equal(30, result.AvailablePoints);
        Assert.Contains("30 points available", result.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Awards.Committed);
    }

    [Theory]
    [InlineData(0L, "Points")]
    [InlineData(-5L, "Points")]
    [InlineData(10_001L, "Points")]
    [InlineData(null, "Points")]
    public async Task Award_WithPointsOutOfRange_IsInvalid_OnThePointsField_AndNotSent(long? points, string field)
    {
        using var service = harness.CreateService();

        var result = await service.AwardAsync(new AwardRequest("ca_bad", "xcn_u_1003", points), Ct);

        Assert.Equal(AwardOutcome.Invalid, result.Outcome);
        Assert.True(result.Errors!.ContainsKey(field));
        Assert.Empty(harness.Awards.IntentBodies);
    }

    [Fact]
    public async Task Award_WithoutAViewer_IsInvalid_OnTheViewerField()
    {
        using var service = harness.CreateService();

        var result = await service.AwardAsync(new AwardRequest("ca_bad", null, 50), Ct);

        Assert.Equal(AwardOutcome.Invalid, result.Outcome);
        Assert.Equal(["Choose a viewer."], result.Errors![nameof(AwardRequest.ViewerXcnUserId)]);
    }

    [Fact]
    public async Task Award_ToSomeoneNotInTheRoom_IsNotSent()
    {
        using var service = harness.CreateService();

        var result = await service.AwardAsync(new AwardRequest("ca_x", "xcn_u_9999", 50), Ct);

        Assert.Equal(AwardOutcome.NotPossible, result.Outcome);
        Assert.Empty(harness.Awards.IntentBodies);
    }

    [Fact]
    public async Task RrrDown_BeforeTheIntent_SaysNothingWasSent_AndARetryWithTheSameDialogAwardsOnce()
    {
        using var service = harness.CreateService();
        harness.Awards.Down = true;

        var down = await service.AwardAsync(new AwardRequest("ca_retry", "xcn_u_1003", 50), Ct);
        harness.Awards.Down = false;
        var retried = await service.AwardAsync(new AwardRequest("ca_retry", "xcn_u_1003", 50), Ct);

        Assert.Equal(AwardOutcome.Unavailable, down.Outcome);
        Assert.Contains("temporarily unavailable; nothing was sent", down.Message, StringComparison.Ordinal);
        Assert.False(down.NeedsNewClientAwardId);
        Assert.Equal(AwardOutcome.Awarded, retried.Outcome);
        Assert.Single(harness.Awards.Committed);
    }

    [Fact]
    public async Task LostCommitAnswer_IsUnconfirmed_ThenTheRetryReplaysToOneAward()
    {
        using var service = harness.CreateService();
        harness.Awards.CommitDown = true;

        var lost = await service.AwardAsync(new AwardRequest("ca_lost", "xcn_u_1003", 50), Ct);
        harness.Awards.CommitDown = false;
        var retried = await service.AwardAsync(new AwardRequest("ca_lost", "xcn_u_1003", 50), Ct);

        Assert.Equal(AwardOutcome.Unconfirmed, lost.Outcome);
        Assert.Equal(AwardOutcome.Awarded, retried.Outcome);
        Assert.Single(harness.Awards.Committed);
        Assert.Equal(AwardRecordStatus.Committed, (await harness.Db.Store.Awards.GetAsync("xcn_u_2001", "ca_lost", Ct))!.Status);
    }

    [Fact]
    public async Task History_IsTheSignedInModelsOnly()
    {
        using (var luna = harness.CreateService())
        {
            await luna.AwardAsync(new AwardRequest("ca_luna", "xcn_u_1003", 50), Ct);
        }

        harness.Identity.XcnUserId = "xcn_u_2002";
        using var nova = harness.CreateService();
        await nova.AwardAsync(new AwardRequest("ca_nova", "xcn_u_1003", 10), Ct);

        var page = await nova.GetHistoryAsync(0, 10, Ct);

        var only = Assert.Single(page.Items);
        Assert.Equal(("ca_nova", "room_nova", "stream_nova"), (only.ClientAwardId, only.RoomId, only.StreamId));
    }

    [Fact]
    public async Task Room_HintsEachViewersLink()
    {
        using var service = harness.CreateService();

        var room = await service.GetRoomAsync(Ct);

        Assert.Equal("room_luna", room.Room!.RoomId);
        Assert.Equal([("xcn_u_1003", ViewerLinkHint.Linked), ("xcn_u_1004", ViewerLinkHint.NotLinked)],
            room.Viewers.Select(v => (v.XcnUserId, v.LinkHint)));
    }

    [Fact]
    public async Task ModelWithoutARoom_IsNotLive()
    {
        harness.Identity.XcnUserId = "xcn_u_1003";
        using var service = harness.CreateService();

        Assert.Null((await service.GetRoomAsync(Ct)).Room);
        Assert.Equal(AwardOutcome.NotPossible, (await service.AwardAsync(new AwardRequest("ca_1", "xcn_u_1004", 5), Ct)).Outcome);
    }

    [Fact]
    public void ClientAwardIds_AreFresh_AndMakeValidKeys()
    {
        var a = AwardService.NewClientAwardId();
        var b = AwardService.NewClientAwardId();

        Assert.NotEqual(a, b);
        Assert.True(IdempotencyKeys.IsValid(IdempotencyKeys.AwardIntent(a)));
    }

    [Fact]
    public async Task StreamBudget_RefusesTheAwardThatWouldGoBeyondIt_OnThePointsField_AndSendsNothing()
    {
        harness.Options.StreamBudget = 100;
        using var service = harness.CreateService();
        Assert.Equal(AwardOutcome.Awarded, (await service.AwardAsync(new AwardRequest("ca_1", "xcn_u_1003", 70), Ct)).Outcome);

        var over = await service.AwardAsync(new AwardRequest("ca_2", "xcn_u_1003", 40), Ct);
        var exact = await service.AwardAsync(new AwardRequest("ca_3", "xcn_u_1003", 30), Ct);

        Assert.Equal(AwardOutcome.Refused, over.Outcome);
        Assert.Equal("This stream's award budget is 100 points; 30 are left. Choose a smaller amount.", over.Message);
        Assert.Equal([over.Message], over.Errors![nameof(AwardRequest.Points)]);
        Assert.True(over.NeedsNewClientAwardId);
        Assert.Equal(AwardOutcome.Awarded, exact.Outcome); // up to the budget exactly
        Assert.Equal(2, harness.Awards.IntentBodies.Count); // the refused one never reached RRR
        var refused = await harness.Db.Store.Awards.GetAsync("xcn_u_2001", "ca_2", Ct);
        Assert.Equal((AwardRecordStatus.Refused, AwardService.StreamBudgetCode), (refused!.Status, refused.FailureCode));
    }

    [Fact]
    public async Task StreamBudget_TwoAwardsAtOnceFromTwoTabs_NeverBothPassBeyondIt()
    {
        harness.Options.StreamBudget = 100;
        using var first = harness.CreateService();
        using var second = harness.CreateService();

        var results = await Task.WhenAll(
            first.AwardAsync(new AwardRequest("ca_a", "xcn_u_1003", 60), Ct),
            second.AwardAsync(new AwardRequest("ca_b", "xcn_u_1003", 60), Ct));

        Assert.True(results.Count(r => r.Outcome == AwardOutcome.Awarded) <= 1, string.Join(", ", results.Select(r => r.Outcome)));
        Assert.True(harness.Awards.Committed.Sum(a => a.Points) <= 100);
    }

    [Fact]
    public async Task StreamTotals_CountThisStreamAndToday_WithTheBudgetLeftAndTheNewestAwards()
    {
        harness.Options.StreamBudget = 500;
        using var service = harness.CreateService();
        await service.AwardAsync(new AwardRequest("ca_1", "xcn_u_1003", 50), Ct);
        harness.Awards.NotLinkedViewers.Add("xcn_u_1004");
        await service.AwardAsync(new AwardRequest("ca_2", "xcn_u_1004", 20), Ct);
        await service.AwardAsync(new AwardRequest("ca_3", "xcn_u_1003", 25), Ct);

        var view = await harness.CreateStreamAwards().GetAsync(Ct);

        Assert.NotNull(view);
        Assert.Equal(new AwardTotals(75, 2, 75, 75, 2), view.Totals);
        Assert.Equal(425, view.BudgetLeft);
        Assert.Equal(["ca_3", "ca_2", "ca_1"], view.Recent.Select(a => a.ClientAwardId));
    }
}
