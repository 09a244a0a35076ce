using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Promotions;
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
        var updates = new PromotionUpdates();
        var published = new List<string>();
        updates.Changed += published.Add;
        var sync = new PromotionSync(Store, api, updates, Time, NullLogger<PromotionSync>.Instance);
        var engine = Engine();
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
        var sync = new PromotionSync(Store, api, new PromotionUpdates(), Time, NullLogger<PromotionSync>.Instance);
        var engine = Engine();
        var first = await engine.CreateAsync(PromotionPolicy.Kind, "promo_1", "{}", PromotionPolicy.Policy, "xcn_u_9001", Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        var second = await engine.CreateAsync(PromotionPolicy.Kind, "promo_1", "{}", PromotionPolicy.Policy, "xcn_u_9001", Ct);

        await sync.SyncAsync("promo_1", Ct);

        Assert.Null((await engine.GetAsync(first.Request.Id, Ct)).Request.Outcome);
        Assert.Equal("REJECTED", (await engine.GetAsync(second.Request.Id, Ct)).Request.Outcome?.Status);
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

        public Task<Promotion> DecideAsync(string promotionId, PromotionDecisionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<PromotionList> ListAsync(PromotionStatus? status = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
