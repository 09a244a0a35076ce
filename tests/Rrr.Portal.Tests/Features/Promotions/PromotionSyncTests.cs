using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rrr.Core.Features;
using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Promotions;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Promotions;
using Rrr.Portal.Tests.Features.Approvals;

namespace Rrr.Portal.Tests.Features.Promotions;

/// <summary>Webhooks arrive out of order: a re-read that returns an older version never overwrites a newer state.</summary>
public sealed class PromotionSyncTests : ApprovalTestBase
{
    [Fact]
    public async Task OlderVersion_NeverOverwritesTheNewerOutcome()
    {
        var api = new OneRead();
        var updates = new PortalEvents(NullLogger<PortalEvents>.Instance);
        var published = new List<string>();
        using var subscription = updates.Subscribe(PromotionChanged.Any, c => published.Add(c.PromotionId));
        var engine = Engine();
        var sync = new PromotionSync(Store, engine, api, updates, Time, NullLogger<PromotionSync>.Instance);
        var round = await engine.CreateAsync(PromotionPolicy.Kind, "promo_1", """{"promotion_id":"promo_1"}""", PromotionPolicy.Policy, "xcn_u_9001", Ct);

        api.Current = Promotion(PromotionStatus.Active, 7);
        var newer = await sync.SyncAsync("promo_1", Ct);
        api.Current = Promotion(PromotionStatus.PendingApproval, 5);
        var older = await sync.SyncAsync("promo_1", Ct);

        Assert.True(newer);
        Assert.False(older);
        var outcome = (await engine.GetAsync(round.Request.Id, Ct)).Request.Outcome!;
        Assert.Equal(("promo_1", "ACTIVE", 7L), (outcome.ExternalId, outcome.Status, outcome.Version));
        Assert.Equal(["promo_1", "promo_1"], published);
    }

    [Fact]
    public async Task NewestRound_IsTheOneUpdated()
    {
        var api = new OneRead { Current = Promotion(PromotionStatus.Rejected, 9) };
        var engine = Engine();
        var sync = new PromotionSync(Store, engine, api, new PortalEvents(NullLogger<PortalEvents>.Instance), Time, NullLogger<PromotionSync>.Instance);
        var first = await engine.CreateAsync(PromotionPolicy.Kind, "promo_1", "{}", PromotionPolicy.Policy, "xcn_u_9001", Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        var second = await engine.CreateAsync(PromotionPolicy.Kind, "promo_1", "{}", PromotionPolicy.Policy, "xcn_u_9001", Ct);

        await sync.SyncAsync("promo_1", Ct);

        Assert.Null((await engine.GetAsync(first.Request.Id, Ct)).Request.Outcome);
        Assert.Equal("REJECTED", (await engine.GetAsync(second.Request.Id, Ct)).Request.Outcome?.Status);
    }

    [Fact]
    public async Task RejectedAtRrr_BeforeXcnQuorum_ClosesTheRound_AsRrrsAdmin_Once()
    {
        var engine = Engine();
        var api = new OneRead
        {
            Current = Promotion(PromotionStatus.Rejected, 4) with
            {
                Approvals = [new PromotionApproval("rrr_a_0001", ApproverRole.RrrAdmin, ApprovalDecision.Reject, "Budget too high", T0, 2)],
            },
        };
        var sync = new PromotionSync(Store, engine, api, new PortalEvents(NullLogger<PortalEvents>.Instance), Time, NullLogger<PromotionSync>.Instance);
        var round = await engine.CreateAsync(PromotionPolicy.Kind, "promo_1", "{}", PromotionPolicy.Policy, "xcn_u_9001", Ct);
        await engine.ApproveAsync(round.Request.Id, "xcn_u_9002", 1, Ct);

        await sync.SyncAsync("promo_1", Ct);
        await sync.SyncAsync("promo_1", Ct);

        var closed = await engine.GetAsync(round.Request.Id, Ct);
        Assert.Equal(ApprovalStatus.Rejected, closed.Request.Status);
        var last = closed.Records[^1];
        Assert.Equal((ApprovalAction.Rejected, "rrr_a_0001", ApprovalRoles.RrrAdmin, "Budget too high"), (last.Action, last.ActorId, last.ActorRole, last.Reason));
        Assert.Equal(3, closed.Records.Count);
        Assert.Empty((await engine.QueueAsync(null, null, 10, Ct)).Items);
        Assert.True((await engine.VerifyChainAsync(Ct)).Intact);
    }

    private static Promotion Promotion(PromotionStatus status, long version) => new(
        "promo_1", "Winter", PromotionKind.Multiplier, 2m, T0.AddDays(1), T0.AddDays(10), PromotionAudience.AllMembers, 1000, status,
        "xcn_u_9001", version, [], T0, T0);

    private sealed class OneRead : IRrrPromotionsApi
    {
        public Promotion? Current { get; set; }

        public Task<Promotion> GetAsync(string promotionId, CancellationToken cancellationToken = default) => Task.FromResult(Current!);

        public Task<Promotion> CreateAsync(CreatePromotionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<Promotion> UpdateAsync(string promotionId, UpdatePromotionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<Promotion> SubmitAsync(string promotionId, SubmitPromotionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<Promotion> DecideAsync(string promotionId, ApprovalDecisionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<PromotionList> ListAsync(PromotionStatus? status = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
