using Rrr.Core.Features.Approvals;

namespace Rrr.Portal.Tests.Features.Approvals;

public sealed class ApprovalEngineTests : ApprovalTestBase
{
    [Fact]
    public async Task Create_RecordsThePolicyMakerAndExpiry_AndARequestedRecord()
    {
        var engine = Engine();

        var view = await NewRequestAsync(engine, new ApprovalPolicy(2, true));

        var stored = await engine.GetAsync(view.Request.Id, Ct);
        Assert.Equal(new ApprovalPolicy(2, true), stored.Request.Policy);
        Assert.Equal("ada", stored.Request.MakerId);
        Assert.Equal(ApprovalStatus.Pending, stored.Request.Status);
        Assert.Equal(T0.AddDays(3), stored.Request.ExpiresAt);
        var record = Assert.Single(stored.Records);
        Assert.Equal(ApprovalAction.Requested, record.Action);
        Assert.Contains("xcn=2;rrr=1", record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_ByTheMaker_IsRefused()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);

        var refused = await Assert.ThrowsAsync<ApprovalRuleException>(() => engine.ApproveAsync(view.Request.Id, "ada", 1, Ct));

        Assert.Equal(ApprovalErrors.MakerCannotApprove, refused.Code);
        Assert.Empty((await engine.GetAsync(view.Request.Id, Ct)).CurrentApprovals);
    }

    [Fact]
    public async Task Approve_TwiceBySamePerson_CountsOnce()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);
        await engine.ApproveAsync(view.Request.Id, "grace", 1, Ct);

        var refused = await Assert.ThrowsAsync<ApprovalRuleException>(() => engine.ApproveAsync(view.Request.Id, "grace", 1, Ct));

        var after = await engine.GetAsync(view.Request.Id, Ct);
        Assert.Equal(ApprovalErrors.AlreadyDecided, refused.Code);
        Assert.Single(after.CurrentApprovals);
        Assert.Equal(ApprovalStatus.Pending, after.Request.Status);
    }

    [Fact]
    public async Task Approve_ByTwoDistinctAdmins_MeetsATwoPersonQuorum()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);

        var first = await engine.ApproveAsync(view.Request.Id, "grace", 1, Ct);
        var second = await engine.ApproveAsync(view.Request.Id, "hugo", 1, Ct);

        Assert.Equal(ApprovalStatus.Pending, first.Request.Status);
        Assert.Equal(ApprovalStatus.Approved, second.Request.Status);
        Assert.Equal(["grace", "hugo"], second.CurrentApprovals.Select(a => a.ActorId));
        Assert.True(second.QuorumMet);
    }

    [Fact]
    public async Task Approve_AfterQuorum_IsRefusedAsAlreadyDecided()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine, new ApprovalPolicy(1, false));
        await engine.ApproveAsync(view.Request.Id, "grace", 1, Ct);

        var refused = await Assert.ThrowsAsync<ApprovalRuleException>(() => engine.ApproveAsync(view.Request.Id, "hugo", 1, Ct));

        Assert.Equal(ApprovalErrors.NotPending, refused.Code);
    }

    [Fact]
    public async Task Edit_ResetsApprovals_AndAnApprovalOfTheOldVersionIsRefused()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);
        await engine.ApproveAsync(view.Request.Id, "grace", 1, Ct);

        var edited = await engine.EditAsync(view.Request.Id, "ada", 1, """{"points":900}""", new ApprovalPolicy(2, true), Ct);
        var stale = await Assert.ThrowsAsync<ApprovalRuleException>(() => engine.ApproveAsync(view.Request.Id, "hugo", 1, Ct));
        var again = await engine.ApproveAsync(view.Request.Id, "grace", 2, Ct);

        Assert.Equal(2, edited.Request.PayloadVersion);
        Assert.Empty(edited.CurrentApprovals);
        Assert.Equal(new ApprovalPolicy(2, true), edited.Request.Policy);
        Assert.Equal(ApprovalErrors.StaleVersion, stale.Code);
        Assert.Equal(ApprovalStatus.Pending, again.Request.Status);
        Assert.Single(again.CurrentApprovals);
    }

    [Fact]
    public async Task Edit_FromAnOlderVersion_IsRefused_SoTwoSavesFromOneStartCannotBothLand()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);

        var first = await engine.EditAsync(view.Request.Id, "ada", 1, """{"points":300}""", Two, Ct);
        var second = await Assert.ThrowsAsync<ApprovalRuleException>(
            () => engine.EditAsync(view.Request.Id, "ada", 1, """{"points":40}""", new ApprovalPolicy(1, false), Ct));

        Assert.Equal(ApprovalErrors.StaleVersion, second.Code);
        var stored = await engine.GetAsync(view.Request.Id, Ct);
        Assert.Equal(2, stored.Request.PayloadVersion);
        Assert.Equal(first.Request.PayloadJson, stored.Request.PayloadJson);
    }

    [Fact]
    public async Task Edit_BySomeoneOtherThanTheMaker_IsRefused()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);

        var refused = await Assert.ThrowsAsync<ApprovalRuleException>(
            () => engine.EditAsync(view.Request.Id, "grace", 1, """{"points":1}""", Two, Ct));

        Assert.Equal(ApprovalErrors.OnlyMakerEdits, refused.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Reject_WithoutAReason_IsRefused(string reason)
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);

        var refused = await Assert.ThrowsAsync<ApprovalRuleException>(() => engine.RejectAsync(view.Request.Id, "grace", reason, Ct));

        Assert.Equal(ApprovalErrors.ReasonRequired, refused.Code);
        Assert.Equal(ApprovalStatus.Pending, (await engine.GetAsync(view.Request.Id, Ct)).Request.Status);
    }

    [Fact]
    public async Task Reject_WithAReason_EndsTheRequest_AndKeepsTheReason()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);

        var rejected = await engine.RejectAsync(view.Request.Id, "grace", "Ticket does not support it", Ct);
        var late = await Assert.ThrowsAsync<ApprovalRuleException>(() => engine.ApproveAsync(view.Request.Id, "hugo", 1, Ct));

        Assert.Equal(ApprovalStatus.Rejected, rejected.Request.Status);
        Assert.Equal("Ticket does not support it", rejected.Rejection?.Reason);
        Assert.Equal(ApprovalErrors.NotPending, late.Code);
    }

    [Fact]
    public async Task Reject_ByTheMaker_IsRefused()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);

        var refused = await Assert.ThrowsAsync<ApprovalRuleException>(() => engine.RejectAsync(view.Request.Id, "ada", "changed my mind", Ct));

        Assert.Equal(ApprovalErrors.MakerCannotApprove, refused.Code);
    }

    [Fact]
    public async Task Expired_Request_ReadsAsExpired_AndRefusesDecisionsAndEdits()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);
        Time.Advance(TimeSpan.FromDays(3));

        var approve = await Assert.ThrowsAsync<ApprovalRuleException>(() => engine.ApproveAsync(view.Request.Id, "grace", 1, Ct));
        var reject = await Assert.ThrowsAsync<ApprovalRuleException>(() => engine.RejectAsync(view.Request.Id, "grace", "late", Ct));
        var edit = await Assert.ThrowsAsync<ApprovalRuleException>(() => engine.EditAsync(view.Request.Id, "ada", 1, "{}", Two, Ct));

        Assert.Equal([ApprovalErrors.Expired, ApprovalErrors.Expired, ApprovalErrors.Expired], new[] { approve.Code, reject.Code, edit.Code });
        Assert.Equal(ApprovalStatus.Expired, (await engine.GetAsync(view.Request.Id, Ct)).Request.StatusAt(Time.GetUtcNow()));
    }

    [Fact]
    public async Task Expiry_OneTickBefore_StillTakesDecisions()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);
        Time.Advance(TimeSpan.FromDays(3) - TimeSpan.FromMilliseconds(1));

        var approved = await engine.ApproveAsync(view.Request.Id, "grace", 1, Ct);

        Assert.Single(approved.CurrentApprovals);
    }

    [Fact]
    public async Task TwoApprovals_AtTheSameMoment_BothCount()
    {
        // Both approvers read the request before either writes: the loser of the race must re-read and still count.
        var racing = new RacingStore(Store, readers: 2);
        var engine = Engine(racing);
        var view = await NewRequestAsync(engine);
        racing.Arm();

        var results = await Task.WhenAll(
            Task.Run(() => engine.ApproveAsync(view.Request.Id, "grace", 1, Ct), Ct),
            Task.Run(() => engine.ApproveAsync(view.Request.Id, "hugo", 1, Ct), Ct));

        var final = await engine.GetAsync(view.Request.Id, Ct);
        Assert.True(racing.Conflicts >= 1, "the test must actually produce a lost race");
        Assert.Equal(ApprovalStatus.Approved, final.Request.Status);
        Assert.Equal(["grace", "hugo"], final.CurrentApprovals.Select(a => a.ActorId).Order());
        Assert.Contains(results, r => r.Request.Status == ApprovalStatus.Approved);
        Assert.True((await engine.VerifyChainAsync(Ct)).Intact);
    }

    [Fact]
    public async Task Conflict_ThatNeverClears_GivesAClearRetryMessage()
    {
        var engine = Engine(new AlwaysConflictingStore(Store), retries: 3);
        var view = await NewRequestAsync(engine);

        var refused = await Assert.ThrowsAsync<ApprovalRuleException>(() => engine.ApproveAsync(view.Request.Id, "grace", 1, Ct));

        Assert.Equal(ApprovalErrors.Conflict, refused.Code);
        Assert.Contains("try again", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Holds every reader of the request until <c>readers</c> have read it once armed, so their writes race.</summary>
    private sealed class RacingStore(IApprovalStore inner, int readers) : DelegatingApprovalStore(inner)
    {
        private readonly TaskCompletionSource allRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int armed;
        private int reads;
        private int conflicts;

        public int Conflicts => Volatile.Read(ref conflicts);

        public void Arm() => Volatile.Write(ref armed, 1);

        public override async Task<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken)
        {
            var request = await base.GetAsync(id, cancellationToken);
            if (Volatile.Read(ref armed) == 1 && Interlocked.Increment(ref reads) <= readers)
            {
                if (Volatile.Read(ref reads) >= readers)
                {
                    allRead.TrySetResult();
                }

                await allRead.Task.WaitAsync(cancellationToken);
            }

            return request;
        }

        public override async Task<bool> UpdateAsync(
            ApprovalRequest updated, long expectedRevision, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken)
        {
            var stored = await base.UpdateAsync(updated, expectedRevision, record, chain, cancellationToken);
            if (!stored)
            {
                Interlocked.Increment(ref conflicts);
            }

            return stored;
        }
    }

    private sealed class AlwaysConflictingStore(IApprovalStore inner) : DelegatingApprovalStore(inner)
    {
        public override Task<bool> UpdateAsync(
            ApprovalRequest updated, long expectedRevision, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken) =>
            Task.FromResult(false);
    }
}

/// <summary>Passes everything through; tests override one call.</summary>
public class DelegatingApprovalStore(IApprovalStore inner) : IApprovalStore
{
    public virtual Task CreateAsync(ApprovalRequest request, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken) =>
        inner.CreateAsync(request, record, chain, cancellationToken);

    public virtual Task<bool> UpdateAsync(
        ApprovalRequest updated, long expectedRevision, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken) =>
        inner.UpdateAsync(updated, expectedRevision, record, chain, cancellationToken);

    public Task<IReadOnlyList<ApprovalRequest>> ListByIdAsync(string? afterId, int take, CancellationToken cancellationToken) =>
        inner.ListByIdAsync(afterId, take, cancellationToken);

    public virtual Task<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public virtual Task<IReadOnlyList<ApprovalRecord>> GetRecordsAsync(string requestId, CancellationToken cancellationToken) =>
        inner.GetRecordsAsync(requestId, cancellationToken);

    public virtual Task<IReadOnlyList<ApprovalRecord>> GetRecordsForAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken) =>
        inner.GetRecordsForAsync(requestIds, cancellationToken);

    public Task<IReadOnlyList<ApprovalRequest>> ListPendingAsync(ApprovalQueueQuery query, CancellationToken cancellationToken) =>
        inner.ListPendingAsync(query, cancellationToken);

    public Task<IReadOnlyList<ApprovalRequest>> ListAsync(string kind, int take, CancellationToken cancellationToken) =>
        inner.ListAsync(kind, take, cancellationToken);

    public Task<IReadOnlyList<ApprovalRequest>> ListForSubjectAsync(string kind, string subjectId, int take, CancellationToken cancellationToken) =>
        inner.ListForSubjectAsync(kind, subjectId, take, cancellationToken);

    public Task<ApprovalRequest?> FindByExternalIdAsync(string kind, string externalId, CancellationToken cancellationToken) =>
        inner.FindByExternalIdAsync(kind, externalId, cancellationToken);

    public Task<bool> SetOutcomeAsync(string requestId, ApprovalOutcome outcome, CancellationToken cancellationToken) =>
        inner.SetOutcomeAsync(requestId, outcome, cancellationToken);

    public Task<IReadOnlyList<ApprovalRecord>> ReadLogAsync(long afterSequence, int take, CancellationToken cancellationToken) =>
        inner.ReadLogAsync(afterSequence, take, cancellationToken);
}
