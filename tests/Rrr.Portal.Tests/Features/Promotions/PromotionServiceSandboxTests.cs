using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rrr.Core.Features;
using Rrr.Core.Features.Adjustments;
using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Audit;
using Rrr.Core.Features.Promotions;
using Rrr.Core.Features.Webhooks;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Promotions;
using Rrr.Persistence.Sqlite;
using Rrr.Portal.Tests.Contract;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Promotions;

/// <summary>
/// The promotion service on a real SQLite store and the approval engine, talking to the real sandbox through
/// the real RRR client: RRR's status, its own maker and repeat rules and the RRR admin's step happen for real.
/// </summary>
public sealed class PromotionServiceSandboxTests(ContractSandbox rrr) : IClassFixture<ContractSandbox>, IAsyncLifetime
{
    private const string Ada = "xcn_u_9001";
    private const string Grace = "xcn_u_9002";
    private const string Hugo = "xcn_u_9003";
    private const string Rita = "rrr_a_0001";

    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-promotion-tests", Guid.NewGuid().ToString("N"));
    private readonly Admin admin = new();
    private readonly PortalEvents updates = new(NullLogger<PortalEvents>.Instance);
    private SqlitePorts store = null!;
    private readonly ApprovalChainKeys chainKeys = Support.TestChainKeys.Create();
    private PromotionSync sync = null!;
    private PromotionService service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PromotionCalls Calls => new(store.Audit, TimeProvider.System, TestLocalizer.For<PromotionServiceText>());

    public async ValueTask InitializeAsync()
    {
        store = SqlitePorts.Open(root, "portal.db");
        await store.InitializeAsync(Ct);
        var engine = new ApprovalEngine(store.Approvals, TimeProvider.System, Options.Create(new ApprovalOptions()), NullLogger<ApprovalEngine>.Instance, chainKeys, new global::Rrr.Core.Features.PortalEvents(NullLogger<global::Rrr.Core.Features.PortalEvents>.Instance));
        sync = new PromotionSync(store.Approvals, engine, rrr.Api<IRrrPromotionsApi>(), updates, TimeProvider.System, NullLogger<PromotionSync>.Instance);
        service = new PromotionService(
            engine, sync, rrr.Api<IRrrPromotionsApi>(), store.Audit, admin, new PromotionFormValidator(TimeProvider.System, TestLocalizer.For<PromotionFormText>()), updates, TimeProvider.System, TestLocalizer.For<PromotionServiceText>());
    }

    public ValueTask DisposeAsync()
    {
        store.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task TwoDistinctXcnAdminsAndRrr_MakeItActive_MakerAndRepeatAreRefused_AndTheWebhookStoresActive()
    {
        var id = await SubmittedAsync();

        var maker = await As(Ada).ApproveAsync(id, Ct).Refused();
        var first = await As(Grace).ApproveAsync(id, Ct).Ok();
        var repeat = await As(Grace).ApproveAsync(id, Ct).Refused();
        var second = await As(Hugo).ApproveAsync(id, Ct).Ok();
        await RitaDecidesAsync(id, ApprovalDecision.Approve);
        var changed = new List<string>();
        using var subscription = updates.Subscribe(PromotionChanged.Any, c => changed.Add(c.PromotionId));

        // What the webhook processor hands the listener when PROMOTION_STATUS_CHANGED arrives.
        using var provider = new ServiceCollection().AddSingleton(sync).BuildServiceProvider();
        var listener = new RrrStatusListener<PromotionSync>(new PortalEvents(NullLogger<PortalEvents>.Instance), provider, NullLogger<RrrStatusListener<PromotionSync>>.Instance);
        await listener.HandleAsync(id, Ct);
        var after = await As(Ada).GetAsync(id, Ct).Ok();

        Assert.Equal(ApprovalErrors.MakerCannotApprove, maker.Code);
        Assert.Equal(ApprovalErrors.AlreadyDecided, repeat.Code);
        Assert.Equal("XCN 1/2 · RRR 0/1", first.Progress.Text);
        Assert.Equal((PromotionStatus.PendingApproval, "XCN 2/2 · RRR 0/1"), (second.Promotion.Status, second.Progress.Text));
        Assert.Equal([Grace, Hugo], second.Progress.XcnApprovals.Select(a => a.ApproverId));
        Assert.Equal((PromotionStatus.Active, "XCN 2/2 · RRR 1/1"), (after.Promotion.Status, after.Progress.Text));
        Assert.Equal([id], changed);
        var outcome = Assert.Single(after.Rounds).Request.Outcome!;
        Assert.Equal(("ACTIVE", after.Promotion.Version), (outcome.Status, outcome.Version));

        // Every step is audited with the key of its RRR call; refusals too.
        var audit = await AuditForAsync(id);
        Assert.Contains(audit, e => e is { Kind: "promotion.approved", ActorId: Ada, Outcome: "REFUSED:maker_cannot_approve" });
        Assert.Contains(audit, e => e is { Kind: "promotion.approved", ActorId: Grace, Outcome: "REFUSED:already_decided" });
        var graceApproved = Assert.Single(audit, e => e is { Kind: "promotion.approved", ActorId: Grace, Outcome: "PENDING_APPROVAL" });
        Assert.NotNull(graceApproved.TraceId);
        Assert.Single(audit, e => e.Kind == "promotion.submitted");
        Assert.True((await As(Ada).GetAsync(id, Ct).Ok()).Rounds[0].Records.Count == 3);
        Assert.True((await ApprovalChain.VerifyStoreAsync(store.Approvals, chainKeys, Ct)).Intact);
    }

    [Fact]
    public async Task Approve_OfARoundOrVersionNoLongerCurrent_IsRefusedWithAClearMessage_AndRecordsNothing()
    {
        var id = await SubmittedAsync();
        var shown = await As(Grace).GetAsync(id, Ct).Ok();
        var (shownRound, shownVersion) = PromotionDecisions.Shown(shown);

        // While Grace reads: Hugo rejects, Ada edits and submits again, so a new round of new content is current.
        await As(Hugo).RejectAsync(id, "Wrong audience", Ct).Ok();
        var edited = await As(Ada).EditAsync(id, (await As(Ada).GetAsync(id, Ct).Ok()).Promotion.Version, Form("Edited"), Ct).Ok();
        var current = await As(Ada).SubmitAsync(id, edited.Version, Ct).Ok();
        var (currentRound, currentVersion) = PromotionDecisions.Shown(current);
        var logBefore = (await store.Approvals.ReadLogAsync(0, 1000, Ct)).Count;

        var staleRound = await As(Grace).ApproveAsync(id, shownRound, shownVersion, Ct).Refused();
        var staleVersion = await As(Grace).ApproveAsync(id, currentRound, shownVersion, Ct).Refused();
        var staleReject = await As(Grace).RejectAsync(id, shownRound, shownVersion, "late", Ct).Refused();

        Assert.All(new[] { staleRound, staleVersion, staleReject }, e => Assert.Equal(PromotionRefusedException.Stale, e.Code));
        Assert.Contains("changed since you opened it", staleRound.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was recorded", staleRound.Message, StringComparison.Ordinal);
        var after = await As(Grace).GetAsync(id, Ct).Ok();
        Assert.DoesNotContain(after.Rounds[0].Records, r => r.ActorId == Grace);
        Assert.Empty(after.Promotion.Approvals);
        Assert.Equal(logBefore, (await store.Approvals.ReadLogAsync(0, 1000, Ct)).Count);
        Assert.NotEqual(shownVersion, currentVersion);

        // What is shown now is what she approves.
        var approved = await As(Grace).ApproveAsync(id, currentRound, currentVersion, Ct).Ok();
        Assert.Equal([Grace], approved.Rounds[0].CurrentApprovals.Select(a => a.ActorId));
    }

    [Fact]
    public async Task Decision_OnARoundChangedInTheStore_IsNotSentToRrr()
    {
        var id = await SubmittedAsync();
        var other = await SubmittedAsync();
        var (round, version) = PromotionDecisions.Shown(await As(Grace).GetAsync(id, Ct).Ok());

        // Someone with write access points the round at another promotion, so the decision would land there.
        await using (var connection = new SqliteConnection($"Data Source={store.DatabasePath}"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE approval_requests SET payload_json = replace(payload_json, @from, @to) WHERE id = @id;";
            command.Parameters.AddWithValue("@from", id);
            command.Parameters.AddWithValue("@to", other);
            command.Parameters.AddWithValue("@id", round);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        var refused = await As(Grace).ApproveAsync(id, round, version, Ct).Refused();

        Assert.Equal(PromotionRefusedException.ChainBroken, refused.Code);
        Assert.Contains("nothing was sent to RRR", refused.Message, StringComparison.Ordinal);
        Assert.Empty((await As(Grace).GetAsync(id, Ct).Ok()).Promotion.Approvals);
        Assert.Empty((await As(Grace).GetAsync(other, Ct).Ok()).Promotion.Approvals);
        Assert.Contains(await AuditForAsync(id), e => e is { Kind: "promotion.approved", Outcome: "REFUSED:chain_broken" });
    }

    [Fact]
    public async Task Approve_BySecondAdmin_AfterTheFirstRaisedRrrsVersion_StillCountsForTheRoundShown()
    {
        var id = await SubmittedAsync();
        var (round, version) = PromotionDecisions.Shown(await As(Hugo).GetAsync(id, Ct).Ok());

        await As(Grace).ApproveAsync(id, Ct).Ok();
        var second = await As(Hugo).ApproveAsync(id, round, version, Ct).Ok();

        Assert.Equal([Grace, Hugo], second.Rounds[0].CurrentApprovals.Select(a => a.ActorId));
    }

    [Fact]
    public async Task RrrRefusesTheCreatorAndARepeat_AndBothBecomeClearMessages()
    {
        // Straight at RRR, as if the portal's own check were missing: RRR enforces the same rules.
        var id = await SubmittedAsync();
        var api = rrr.Api<IRrrPromotionsApi>();
        var creatorRefused = await Assert.ThrowsAsync<RrrProblemException>(() => api.DecideAsync(
            id, new ApprovalDecisionRequest(Ada, ApproverRole.XcnAdmin, ApprovalDecision.Approve), "t_" + Guid.NewGuid().ToString("N"), Ct));
        await As(Grace).ApproveAsync(id, Ct).Ok();
        var repeatRefused = await Assert.ThrowsAsync<RrrProblemException>(() => api.DecideAsync(
            id, new ApprovalDecisionRequest(Grace, ApproverRole.XcnAdmin, ApprovalDecision.Approve), "t_" + Guid.NewGuid().ToString("N"), Ct));

        Assert.Equal((422, RrrErrorCodes.ApprovalNotAllowed), (creatorRefused.Status, creatorRefused.Code));
        Assert.Equal((409, RrrErrorCodes.AlreadyDecided), (repeatRefused.Status, repeatRefused.Code));
        Assert.Contains("creator of a promotion cannot approve", Calls.Translate(creatorRefused).Message, StringComparison.Ordinal);
        Assert.Equal(PromotionRefusedException.AlreadyDecided, Calls.Translate(repeatRefused).Code);
        Assert.Contains("counts once", Calls.Translate(repeatRefused).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reject_NeedsAReason_ThenRejectsAtRrr()
    {
        var id = await SubmittedAsync();

        var noReason = await As(Grace).RejectAsync(id, "  ", Ct).Refused();
        var stillPending = (await As(Grace).GetAsync(id, Ct).Ok()).Promotion.Status;
        var rejected = await As(Grace).RejectAsync(id, "Budget too high for December", Ct).Ok();

        Assert.Equal(ApprovalErrors.ReasonRequired, noReason.Code);
        Assert.Equal(PromotionStatus.PendingApproval, stillPending);
        Assert.Equal(PromotionStatus.Rejected, rejected.Promotion.Status);
        Assert.Equal("Budget too high for December", rejected.Progress.Rejection?.Reason);
        Assert.Equal(ApprovalStatus.Rejected, rejected.Rounds[0].Request.Status);
    }

    [Fact]
    public async Task Edit_OnlyByTheMaker_InDraftOrRejected_AndItResetsApprovals()
    {
        var id = await SubmittedAsync();
        await As(Grace).ApproveAsync(id, Ct).Ok();
        var pending = (await As(Ada).GetAsync(id, Ct).Ok()).Promotion;

        var whilePending = await As(Ada).EditAsync(id, pending.Version, Form("Edited"), Ct).Refused();
        var rejected = (await As(Hugo).RejectAsync(id, "Wrong audience", Ct).Ok()).Promotion;
        var notMaker = await As(Grace).EditAsync(id, rejected.Version, Form("Edited"), Ct).Refused();
        var stale = await As(Ada).EditAsync(id, rejected.Version - 1, Form("Edited"), Ct).Refused();
        var edited = await As(Ada).EditAsync(id, rejected.Version, Form("Edited"), Ct).Ok();
        var resubmitted = await As(Ada).SubmitAsync(id, edited.Version, Ct).Ok();
        var graceAgain = await As(Grace).ApproveAsync(id, Ct).Ok();

        Assert.Equal(PromotionRefusedException.WrongState, whilePending.Code);
        Assert.Equal(PromotionRefusedException.NotMaker, notMaker.Code);
        Assert.Equal(PromotionRefusedException.Stale, stale.Code);
        Assert.Equal((PromotionStatus.Draft, "Edited", rejected.Version + 1), (edited.Status, edited.Name, edited.Version));
        Assert.Empty(edited.Approvals);
        Assert.Equal("XCN 0/2 · RRR 0/1", resubmitted.Progress.Text);
        Assert.Equal(2, resubmitted.Rounds.Count);
        Assert.Empty(resubmitted.Rounds[0].CurrentApprovals);

        // Grace counted in the first round; in the new round her approval counts again, once.
        Assert.Equal("XCN 1/2 · RRR 0/1", graceAgain.Progress.Text);
        Assert.Equal([Grace], graceAgain.Rounds[0].CurrentApprovals.Select(a => a.ActorId));
    }

    [Fact]
    public async Task DecisionKey_IsPromotionRoundAndApprover_SoASecondSendIsReplayedNotCounted()
    {
        var id = await SubmittedAsync();
        var round = PromotionRoundPayload.FromJson((await As(Ada).GetAsync(id, Ct).Ok()).Rounds[0].Request.PayloadJson);

        await As(Grace).ApproveAsync(id, Ct).Ok();
        var resent = await As(Grace).ResendDecisionAsync(id, Ct).Ok();

        var expected = IdempotencyKeys.PromotionDecision(id, round.SubmittedVersion, Grace);
        var decisions = (await AuditForAsync(id)).Where(e => e.Kind == "promotion.approved").ToList();
        Assert.Equal(2, decisions.Count);
        Assert.All(decisions, e => Assert.Equal(expected, e.IdempotencyKey));
        var calls = rrr.CallLog.Records.Where(r => r.IdempotencyKey == expected).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Single(calls, c => c.Replayed);
        Assert.Single(resent.Promotion.Approvals);
        Assert.Equal("XCN 1/2 · RRR 0/1", resent.Progress.Text);
    }

    [Fact]
    public async Task RrrUnreachable_TheDecisionStaysInTheChain_AndIsSentLaterOnce()
    {
        var id = await SubmittedAsync();
        var flaky = new LosesNextDecision(rrr.Api<IRrrPromotionsApi>());
        var flakyService = new PromotionService(
            new ApprovalEngine(store.Approvals, TimeProvider.System, Options.Create(new ApprovalOptions()), NullLogger<ApprovalEngine>.Instance, chainKeys, new global::Rrr.Core.Features.PortalEvents(NullLogger<global::Rrr.Core.Features.PortalEvents>.Instance)),
            sync, flaky, store.Audit, admin, new PromotionFormValidator(TimeProvider.System, TestLocalizer.For<PromotionFormText>()), updates, TimeProvider.System, TestLocalizer.For<PromotionServiceText>());
        admin.Id = Grace;

        var refused = await flakyService.ApproveAsync(id, Ct).Refused();
        var between = await flakyService.GetAsync(id, Ct).Ok();
        var resent = await flakyService.ResendDecisionAsync(id, Ct).Ok();

        Assert.Equal(PromotionRefusedException.RrrUnavailable, refused.Code);
        Assert.Contains("recorded here", refused.Message, StringComparison.Ordinal);
        Assert.Equal([Grace], between.Rounds[0].CurrentApprovals.Select(a => a.ActorId));
        Assert.Equal([Grace], between.NotYetAtRrr);
        Assert.Equal("XCN 0/2 · RRR 0/1", between.Progress.Text);
        Assert.Empty(resent.NotYetAtRrr);
        Assert.Equal("XCN 1/2 · RRR 0/1", resent.Progress.Text);
        Assert.Contains((await AuditForAsync(id)), e => e is { Kind: "promotion.approved", ActorId: Grace, Outcome: "RRR_UNAVAILABLE" });
    }

    [Fact]
    public async Task InvalidForm_IsRefusedWithFieldMessages_AndNothingReachesRrr()
    {
        var form = Form("x");
        form.Value = 11m;

        var refused = await As(Ada).CreateAsync(form, Guid.NewGuid().ToString("N"), Ct).Refused();

        Assert.Equal(PromotionRefusedException.Invalid, refused.Code);
        Assert.Contains(nameof(PromotionForm.Name), refused.Errors.Keys);
        Assert.Contains(nameof(PromotionForm.Value), refused.Errors.Keys);
    }

    [Fact]
    public async Task NoAdmin_IsRefused()
    {
        var refused = await As(null).ListAsync(null, Ct).Refused();

        Assert.Equal(PromotionRefusedException.NotAdmin, refused.Code);
    }

    [Fact]
    public async Task List_FiltersByStatusAtRrr()
    {
        var id = await SubmittedAsync();

        var pending = await As(Hugo).ListAsync(PromotionStatus.PendingApproval, Ct).Ok();
        var drafts = await As(Hugo).ListAsync(PromotionStatus.Draft, Ct).Ok();

        Assert.Contains(pending, p => p.PromotionId == id);
        Assert.DoesNotContain(drafts, p => p.PromotionId == id);
        Assert.All(pending, p => Assert.Equal(PromotionStatus.PendingApproval, p.Status));
    }

    private async Task<string> SubmittedAsync()
    {
        var created = await As(Ada).CreateAsync(Form("Double points " + Guid.NewGuid().ToString("N")[..6]), Guid.NewGuid().ToString("N"), Ct).Ok();
        Assert.Equal((PromotionStatus.Draft, Ada), (created.Status, created.CreatedBy));
        var submitted = await As(Ada).SubmitAsync(created.PromotionId, created.Version, Ct).Ok();
        Assert.Equal(PromotionStatus.PendingApproval, submitted.Promotion.Status);
        return created.PromotionId;
    }

    private async Task<List<AuditEvent>> AuditForAsync(string promotionId) =>
        (await store.Audit.QueryAsync(new AuditQuery(Take: 200), Ct)).Items.Where(e => e.SubjectId == promotionId).ToList();

    private Task<Promotion> RitaDecidesAsync(string id, ApprovalDecision decision) =>
        rrr.Api<IRrrPromotionsApi>().DecideAsync(
            id, new ApprovalDecisionRequest(Rita, ApproverRole.RrrAdmin, decision), IdempotencyKeys.PromotionDecision(id, 0, Rita), Ct);

    private static PromotionForm Form(string name) => new()
    {
        Name = name,
        Kind = PromotionKind.Multiplier,
        Value = 2m,
        StartsAtUtc = TimeProvider.System.GetUtcNow().UtcDateTime.Date.AddDays(2),
        EndsAtUtc = TimeProvider.System.GetUtcNow().UtcDateTime.Date.AddDays(30),
        Audience = PromotionAudience.AllMembers,
        BudgetCapPoints = 50_000,
    };

    private PromotionService As(string? adminId)
    {
        admin.Id = adminId;
        return service;
    }

    /// <summary>The real RRR client, except that the next decision is lost on the way (RRR never sees it).</summary>
    private sealed class LosesNextDecision(IRrrPromotionsApi inner) : IRrrPromotionsApi
    {
        private bool lost;

        public Task<Promotion> DecideAsync(string promotionId, ApprovalDecisionRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
        {
            if (!lost)
            {
                lost = true;
                throw new RrrUnavailableException(RrrUnavailableReason.ConnectionFailed, "IRrrPromotionsApi.DecideAsync", "trace_lost");
            }

            return inner.DecideAsync(promotionId, request, idempotencyKey, cancellationToken);
        }

        public Task<Promotion> CreateAsync(CreatePromotionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
            inner.CreateAsync(request, idempotencyKey, cancellationToken);

        public Task<Promotion> UpdateAsync(string promotionId, UpdatePromotionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
            inner.UpdateAsync(promotionId, request, idempotencyKey, cancellationToken);

        public Task<Promotion> SubmitAsync(string promotionId, SubmitPromotionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
            inner.SubmitAsync(promotionId, request, idempotencyKey, cancellationToken);

        public Task<PromotionList> ListAsync(PromotionStatus? status = null, CancellationToken cancellationToken = default) =>
            inner.ListAsync(status, cancellationToken);

        public Task<Promotion> GetAsync(string promotionId, CancellationToken cancellationToken = default) =>
            inner.GetAsync(promotionId, cancellationToken);
    }

    private sealed class Admin : IAdminIdentity
    {
        public string? Id { get; set; }

        public Task<string?> GetAdminIdAsync(CancellationToken cancellationToken) => Task.FromResult(Id);
    }
}

/// <summary>Decisions on what the admin is shown right now: the current round and the version it was submitted with, as the page passes them.</summary>
internal static class PromotionDecisions
{
    public static (string RoundId, long Version) Shown(PromotionDetail detail) => detail.CurrentRound is { } round
        ? (round.Request.Id, PromotionRoundPayload.FromJson(round.Request.PayloadJson).SubmittedVersion)
        : ("", 0);

    public static async Task<RrrResult<PromotionDetail>> ApproveAsync(this PromotionService service, string promotionId, CancellationToken cancellationToken)
    {
        var (round, version) = Shown(await service.GetAsync(promotionId, cancellationToken).Ok());
        return await service.ApproveAsync(promotionId, round, version, cancellationToken);
    }

    public static async Task<RrrResult<PromotionDetail>> RejectAsync(this PromotionService service, string promotionId, string reason, CancellationToken cancellationToken)
    {
        var (round, version) = Shown(await service.GetAsync(promotionId, cancellationToken).Ok());
        return await service.RejectAsync(promotionId, round, version, reason, cancellationToken);
    }
}
