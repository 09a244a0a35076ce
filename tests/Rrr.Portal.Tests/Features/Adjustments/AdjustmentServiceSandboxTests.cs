using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rrr.Core.Features;
using Rrr.Core.Features.Adjustments;
using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Audit;
using Rrr.Core.Features.Webhooks;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Adjustments;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Wallet;
using Rrr.Persistence.Sqlite;
using Rrr.Portal.Tests.Contract;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Adjustments;

/// <summary>
/// The adjustment service on a real SQLite store, talking to the real sandbox through the real RRR client:
/// the thresholds, RRR's recount and the RRR admin's step all happen for real.
/// </summary>
public sealed class AdjustmentServiceSandboxTests(ContractSandbox rrr) : IClassFixture<ContractSandbox>, IAsyncLifetime
{
    private const string Ada = "xcn_u_9001";
    private const string Grace = "xcn_u_9002";
    private const string Hugo = "xcn_u_9003";

    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-adjustment-tests", Guid.NewGuid().ToString("N"));
    private readonly Admin admin = new();
    private readonly PortalEvents updates = new(NullLogger<PortalEvents>.Instance);
    private SqlitePorts store = null!;
    private readonly ApprovalChainKeys chainKeys = Support.TestChainKeys.Create();
    private AdjustmentPosting posting = null!;
    private ApprovalEngine engine = null!;
    private AdjustmentService service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        store = SqlitePorts.Open(root, "portal.db");
        await store.InitializeAsync(Ct);
        engine = new ApprovalEngine(store.Approvals, TimeProvider.System, Options.Create(new ApprovalOptions()), NullLogger<ApprovalEngine>.Instance, chainKeys, new global::Rrr.Core.Features.PortalEvents(NullLogger<global::Rrr.Core.Features.PortalEvents>.Instance));
        posting = new AdjustmentPosting(store.Approvals, rrr.Api<IRrrAdjustmentsApi>(), store.Audit, updates, TimeProvider.System, NullLogger<AdjustmentPosting>.Instance, chainKeys);
        service = new AdjustmentService(
            engine, posting, rrr.Api<IRrrLinksApi>(), store.Audit, admin, new AdjustmentFormValidator(TestLocalizer.For<AdjustmentFormValidator>()), updates, TimeProvider.System);
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
    public async Task Fifty_IsPostedOnceOneOtherAdminApproves_AndTheMakerCannotApprove()
    {
        var member = await rrr.LinkNewUserAsync();
        var request = await As(Ada).RequestAsync(Form(member.XcnUserId, 50), Ct).Ok();

        var maker = await service.ApproveAsync(request.Id, 1, Ct).Refused();
        var approved = await As(Grace).ApproveAsync(request.Id, 1, Ct).Ok();

        Assert.Equal(new ApprovalPolicy(1, false), request.Policy);
        Assert.Equal(ApprovalErrors.MakerCannotApprove, maker.Code);
        Assert.Equal(AdjustmentOutcomes.Posted, approved.DisplayStatus);
        Assert.Equal(50, await AvailableAsync(member.RrrMemberId));
        var posted = Assert.Single((await store.Audit.QueryAsync(new AuditQuery(Kind: "adjustment.posted"), Ct)).Items, e => e.SubjectId == request.Id);
        Assert.Equal(IdempotencyKeys.AdjustmentCreate(request.Id), posted.IdempotencyKey);
        Assert.Equal((Grace, "POSTED"), (posted.ActorId, posted.Outcome));
        Assert.NotNull(posted.TraceId);
        Assert.Single((await store.Audit.QueryAsync(new AuditQuery(Kind: "adjustment.requested", ActorId: Ada), Ct)).Items, e => e.SubjectId == request.Id);
    }

    [Fact]
    public async Task Get_FindsOneRequestById_AndRefusesAnUnknownIdOrAnotherKind()
    {
        var member = await rrr.LinkNewUserAsync();
        var request = await As(Ada).RequestAsync(Form(member.XcnUserId, 20), Ct).Ok();
        var promotion = await engine.CreateAsync("promotion", "prm_1", "{}", new ApprovalPolicy(2, true), Ada, Ct);

        var found = await As(Grace).GetAsync(request.Id, Ct).Ok();
        var unknown = await service.GetAsync("apr_does_not_exist", Ct).Refused();
        var otherKind = await service.GetAsync(promotion.Request.Id, Ct).Refused();

        Assert.Equal(ApprovalErrors.NotFound, otherKind.Code);
        Assert.Equal((request.Id, member.XcnUserId, 20L), (found.Id, found.Payload.XcnUserId, found.Payload.Points));
        Assert.Equal(ApprovalErrors.NotFound, unknown.Code);
    }

    [Fact]
    public async Task ThreeHundred_WaitsForASecondDistinctAdmin_ThenIsPosted()
    {
        var member = await rrr.LinkNewUserAsync();
        var request = await As(Ada).RequestAsync(Form(member.XcnUserId, 300), Ct).Ok();

        var first = await As(Grace).ApproveAsync(request.Id, 1, Ct).Ok();
        var again = await As(Grace).ApproveAsync(request.Id, 1, Ct).Refused();
        var balanceBetween = await AvailableAsync(member.RrrMemberId);
        var second = await As(Hugo).ApproveAsync(request.Id, 1, Ct).Ok();

        Assert.Equal("1 of 2 XCN approvals", first.Progress);
        Assert.Equal("PENDING", first.DisplayStatus);
        Assert.Equal(ApprovalErrors.AlreadyDecided, again.Code);
        Assert.Equal(0, balanceBetween);
        Assert.Equal(AdjustmentOutcomes.Posted, second.DisplayStatus);
        Assert.Equal(300, await AvailableAsync(member.RrrMemberId));
    }

    [Fact]
    public async Task EightHundred_AfterTwoAdmins_WaitsForRrr_AndIsPostedOnceTheRrrAdminApproves()
    {
        var member = await rrr.LinkNewUserAsync();
        var request = await As(Ada).RequestAsync(Form(member.XcnUserId, 800), Ct).Ok();
        await As(Grace).ApproveAsync(request.Id, 1, Ct).Ok();

        var pending = await As(Hugo).ApproveAsync(request.Id, 1, Ct).Ok();
        var adjustmentId = pending.Outcome!.ExternalId!;
        await rrr.Api<IRrrAdjustmentsApi>().DecideAsync(
            adjustmentId, new ApprovalDecisionRequest("rrr_a_0001", ApproverRole.RrrAdmin, ApprovalDecision.Approve),
            IdempotencyKeys.AdjustmentDecision(adjustmentId, "rrr_a_0001"), Ct);
        var changed = new List<string>();
        using var subscription = updates.Subscribe(AdjustmentRequestChanged.Any, c => changed.Add(c.RequestId));

        // What the webhook processor hands the listener when ADJUSTMENT_STATUS_CHANGED arrives.
        using var provider = new ServiceCollection().AddSingleton(posting).BuildServiceProvider();
        var listener = new RrrStatusListener<AdjustmentPosting>(new PortalEvents(NullLogger<PortalEvents>.Instance), provider, NullLogger<RrrStatusListener<AdjustmentPosting>>.Instance);
        await listener.HandleAsync(adjustmentId, Ct);
        var after = Assert.Single(await As(Ada).ListAsync(Ct).Ok(), v => v.Id == request.Id);

        Assert.Equal(new ApprovalPolicy(2, true), request.Policy);
        Assert.Equal(AdjustmentOutcomes.PendingRrrApproval, pending.DisplayStatus);
        Assert.Equal("2 of 2 XCN approvals · RRR approval needed", pending.Progress);
        Assert.Equal(AdjustmentOutcomes.Posted, after.DisplayStatus);
        Assert.Equal("2 of 2 XCN approvals · RRR approved", after.Progress);
        Assert.Equal([request.Id], changed);
        Assert.Equal(800, await AvailableAsync(member.RrrMemberId));
    }

    [Fact]
    public async Task Edit_ByTheMaker_StartsANewVersion_ResetsApprovals_AndReworksThePolicy()
    {
        var member = await rrr.LinkNewUserAsync();
        var request = await As(Ada).RequestAsync(Form(member.XcnUserId, 300), Ct).Ok();
        await As(Grace).ApproveAsync(request.Id, 1, Ct).Ok();

        var edited = await As(Ada).EditAsync(request.Id, 1, Form(member.XcnUserId, 50) with { TicketId = "TCK-EDITED" }, Ct).Ok();
        var oldApproval = await As(Hugo).ApproveAsync(request.Id, 1, Ct).Refused();
        var posted = await As(Hugo).ApproveAsync(request.Id, 2, Ct).Ok();

        Assert.Equal(new ApprovalPolicy(1, false), edited.Policy);
        Assert.Equal(2, edited.Approval.Request.PayloadVersion);
        Assert.Equal("0 of 1 XCN approval", edited.Progress);
        Assert.Equal((50L, "TCK-EDITED"), (edited.Payload.Points, edited.Payload.TicketId));
        Assert.Equal(ApprovalErrors.StaleVersion, oldApproval.Code);
        Assert.Equal(AdjustmentOutcomes.Posted, posted.DisplayStatus);
        Assert.Equal(50, await AvailableAsync(member.RrrMemberId));
        var audit = Assert.Single((await store.Audit.QueryAsync(new AuditQuery(Kind: "adjustment.edited", ActorId: Ada), Ct)).Items, e => e.SubjectId == request.Id);
        Assert.Equal("PENDING:v2", audit.Outcome);
        Assert.Contains(posted.Approval.Records, r => r.Action == ApprovalAction.Edited && r.ActorId == Ada && r.PayloadVersion == 2);
    }

    [Fact]
    public async Task Edit_FromFiftyToThreeHundred_NowNeedsTwoDistinctAdmins()
    {
        var member = await rrr.LinkNewUserAsync();
        var request = await As(Ada).RequestAsync(Form(member.XcnUserId, 50), Ct).Ok();

        var edited = await As(Ada).EditAsync(request.Id, 1, Form(member.XcnUserId, 300), Ct).Ok();
        var first = await As(Grace).ApproveAsync(request.Id, 2, Ct).Ok();

        Assert.Equal(new ApprovalPolicy(2, false), edited.Policy);
        Assert.Equal("0 of 2 XCN approvals", edited.Progress);
        Assert.Equal("PENDING", first.DisplayStatus);
        Assert.Equal(0, await AvailableAsync(member.RrrMemberId));
    }

    [Fact]
    public async Task Edit_BySomeoneOtherThanTheMaker_IsRefused_AndAudited()
    {
        var member = await rrr.LinkNewUserAsync();
        var request = await As(Ada).RequestAsync(Form(member.XcnUserId, 50), Ct).Ok();

        var refused = await As(Grace).EditAsync(request.Id, 1, Form(member.XcnUserId, 60), Ct).Refused();

        Assert.Equal(ApprovalErrors.OnlyMakerEdits, refused.Code);
        var unchanged = Assert.Single(await As(Ada).ListAsync(Ct).Ok(), v => v.Id == request.Id);
        Assert.Equal((1L, 50L), (unchanged.Approval.Request.PayloadVersion, unchanged.Payload.Points));
        var audit = Assert.Single((await store.Audit.QueryAsync(new AuditQuery(Kind: "adjustment.edited", ActorId: Grace), Ct)).Items, e => e.SubjectId == request.Id);
        Assert.Equal("REFUSED:only_maker_edits", audit.Outcome);
    }

    [Fact]
    public async Task Edit_FromAStaleVersion_IsRefused_AndKeepsTheNewerEdit()
    {
        var member = await rrr.LinkNewUserAsync();
        var request = await As(Ada).RequestAsync(Form(member.XcnUserId, 50), Ct).Ok();
        await As(Ada).EditAsync(request.Id, 1, Form(member.XcnUserId, 70), Ct).Ok();

        var refused = await As(Ada).EditAsync(request.Id, 1, Form(member.XcnUserId, 90), Ct).Refused();

        Assert.Equal(ApprovalErrors.StaleVersion, refused.Code);
        var current = Assert.Single(await As(Ada).ListAsync(Ct).Ok(), v => v.Id == request.Id);
        Assert.Equal((2L, 70L), (current.Approval.Request.PayloadVersion, current.Payload.Points));
    }

    [Fact]
    public async Task Edit_OfARequestDecidedMeanwhile_IsRefused()
    {
        var member = await rrr.LinkNewUserAsync();
        var approved = await As(Ada).RequestAsync(Form(member.XcnUserId, 50), Ct).Ok();
        var rejected = await As(Ada).RequestAsync(Form(member.XcnUserId, 60), Ct).Ok();
        await As(Grace).ApproveAsync(approved.Id, 1, Ct).Ok();
        await As(Grace).RejectAsync(rejected.Id, "Wrong ticket", Ct).Ok();

        var afterApproval = await As(Ada).EditAsync(approved.Id, 1, Form(member.XcnUserId, 40), Ct).Refused();
        var afterRejection = await As(Ada).EditAsync(rejected.Id, 1, Form(member.XcnUserId, 40), Ct).Refused();

        Assert.Equal(ApprovalErrors.NotPending, afterApproval.Code);
        Assert.Equal(ApprovalErrors.NotPending, afterRejection.Code);
        Assert.Equal(50, await AvailableAsync(member.RrrMemberId));
    }

    [Fact]
    public async Task Edit_ThatChangesTheMember_OrIsInvalid_OrTargetsTheEditorsOwnAccount_IsRefused()
    {
        var member = await rrr.LinkNewUserAsync();
        var other = await rrr.LinkNewUserAsync();
        var request = await As(Ada).RequestAsync(Form(member.XcnUserId, 50), Ct).Ok();

        var otherMember = await As(Ada).EditAsync(request.Id, 1, Form(other.XcnUserId, 50), Ct).Refused();
        var invalid = await As(Ada).EditAsync(request.Id, 1, Form(member.XcnUserId, 0), Ct).Refused();
        var own = await As(Ada).EditAsync(request.Id, 1, Form(Ada, 50), Ct).Refused();

        Assert.Equal(AdjustmentRefusedException.Invalid, otherMember.Code);
        Assert.Equal(AdjustmentRefusedException.Invalid, invalid.Code);
        Assert.Equal(AdjustmentRefusedException.OwnAccount, own.Code);
        var unchanged = Assert.Single(await As(Ada).ListAsync(Ct).Ok(), v => v.Id == request.Id);
        Assert.Equal(1, unchanged.Approval.Request.PayloadVersion);
    }

    [Fact]
    public async Task UnlinkedMember_IsRefusedWithAClearMessage()
    {
        var refused = await As(Ada).RequestAsync(Form("xcn_u_nolink" + Guid.NewGuid().ToString("N")[..8], 50), Ct).Refused();

        Assert.Equal(AdjustmentRefusedException.NotLinked, refused.Code);
        Assert.Contains("not linked to an RRR account", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdmin_CannotRequestOrApproveAnAdjustmentOfTheirOwnMemberAccount()
    {
        var adminWhoIsAMember = await rrr.LinkNewUserAsync();
        var ownRequest = await As(adminWhoIsAMember.XcnUserId).RequestAsync(Form(adminWhoIsAMember.XcnUserId, 50), Ct).Refused();
        var request = await As(Ada).RequestAsync(Form(adminWhoIsAMember.XcnUserId, 50), Ct).Ok();

        var ownApproval = await As(adminWhoIsAMember.XcnUserId).ApproveAsync(request.Id, 1, Ct).Refused();

        Assert.Equal(AdjustmentRefusedException.OwnAccount, ownRequest.Code);
        Assert.Equal(AdjustmentRefusedException.OwnAccount, ownApproval.Code);
        Assert.Equal(0, await AvailableAsync(adminWhoIsAMember.RrrMemberId));
    }

    [Theory]
    [InlineData(0, "TCK-1")]
    [InlineData(2_000_000, "TCK-1")]
    [InlineData(50, "")]
    public async Task InvalidForm_IsRefused(long points, string ticket)
    {
        var refused = await As(Ada).RequestAsync(new AdjustmentForm("xcn_u_1001", points, AdjustmentReason.Goodwill, ticket), Ct).Refused();

        Assert.Equal(AdjustmentRefusedException.Invalid, refused.Code);
    }

    [Fact]
    public async Task NoAdmin_IsRefused()
    {
        var refused = await As(null).ListAsync(Ct).Refused();

        Assert.Equal(AdjustmentRefusedException.NotAdmin, refused.Code);
    }

    [Fact]
    public async Task ApprovedRequest_ChangedInTheStoreBeforePosting_IsNotPosted_AndRrrIsNeverAsked()
    {
        var member = await rrr.LinkNewUserAsync();
        var other = await rrr.LinkNewUserAsync();
        var request = await As(Ada).RequestAsync(Form(member.XcnUserId, 300), Ct).Ok();

        // Approved by two admins (straight on the engine, so nothing is posted yet: as if RRR had been down).
        await engine.ApproveAsync(request.Id, Grace, 1, Ct);
        await engine.ApproveAsync(request.Id, Hugo, 1, Ct);

        // Someone with write access to the store changes the approved request: ten times the points, to another member.
        await using (var connection = new SqliteConnection($"Data Source={store.DatabasePath}"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE approval_requests SET payload_json = replace(replace(payload_json, '\"points\":300', '\"points\":3000'), @from, @to) WHERE id = @id;";
            command.Parameters.AddWithValue("@from", member.RrrMemberId);
            command.Parameters.AddWithValue("@to", other.RrrMemberId);
            command.Parameters.AddWithValue("@id", request.Id);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        var after = await As(Grace).RetryPostAsync(request.Id, Ct).Ok();
        var chain = await As(Grace).VerifyChainAsync(Ct);

        Assert.Equal(3000, after.Payload.Points);
        Assert.Equal((AdjustmentOutcomes.PostFailed, AdjustmentOutcomes.ChainBroken), (after.Outcome!.Status, after.Outcome.ErrorCode));
        Assert.DoesNotContain(rrr.CallLog.Records, r => r.IdempotencyKey == IdempotencyKeys.AdjustmentCreate(request.Id));
        Assert.Equal(0, await AvailableAsync(member.RrrMemberId));
        Assert.Equal(0, await AvailableAsync(other.RrrMemberId));
        Assert.Contains((await store.Audit.QueryAsync(new AuditQuery(Kind: "adjustment.posted"), Ct)).Items,
            e => e.SubjectId == request.Id && e.Outcome == "REFUSED:" + AdjustmentOutcomes.ChainBroken);
        Assert.False(chain.Intact);
        Assert.Equal(request.Id, chain.BrokenRequestId);
    }

    [Fact]
    public async Task ApprovalChain_AfterRealRequests_IsIntact()
    {
        var member = await rrr.LinkNewUserAsync();
        var request = await As(Ada).RequestAsync(Form(member.XcnUserId, 120), Ct).Ok();
        await As(Grace).RejectAsync(request.Id, "Duplicate of another ticket", Ct).Ok();

        var chain = await As(Hugo).VerifyChainAsync(Ct);

        Assert.True(chain.Intact, chain.Problem);
        Assert.Equal(2, chain.RecordsChecked);
    }

    private AdjustmentService As(string? adminId)
    {
        admin.Id = adminId;
        return service;
    }

    private static AdjustmentForm Form(string xcnUserId, long points) =>
        new(xcnUserId, points, AdjustmentReason.Goodwill, "TCK-" + points.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private async Task<long> AvailableAsync(string rrrMemberId) =>
        (await rrr.Api<IRrrWalletApi>().GetWalletAsync(rrrMemberId, Ct)).AvailablePoints;

    private sealed class Admin : IAdminIdentity
    {
        public string? Id { get; set; }

        public Task<string?> GetAdminIdAsync(CancellationToken cancellationToken) => Task.FromResult(Id);
    }
}
