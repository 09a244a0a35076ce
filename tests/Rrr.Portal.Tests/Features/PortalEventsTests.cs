using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Rrr.Core.Features;
using Rrr.Core.Features.Adjustments;
using Rrr.Core.Features.Promotions;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Portal.Tests.Features;

/// <summary>The one app-wide bus: typed topics, portal-side changes beside RRR events, and one subscription per circuit.</summary>
public sealed class PortalEventsTests
{
    private readonly PortalEvents bus = new(NullLogger<PortalEvents>.Instance);

    private static RrrEvent Event(string id, string type, params (string Key, object? Value)[] data) =>
        new(id, type, null, data.ToDictionary(d => d.Key, d => d.Value));

    [Fact]
    public void APromotionChange_ReachesItsOwnTopics_AndNoRrrEventSubscriber()
    {
        var any = new List<string>();
        var one = new List<string>();
        var other = new List<string>();
        var rrr = new List<string>();
        using var a = bus.Subscribe(PromotionChanged.Any, c => any.Add(c.PromotionId));
        using var b = bus.Subscribe(PromotionChanged.For("promo_1"), c => one.Add(c.PromotionId));
        using var c = bus.Subscribe(PromotionChanged.For("promo_2"), c => other.Add(c.PromotionId));
        using var d = bus.Subscribe(RrrTopic.Promotion("promo_1"), e => rrr.Add(e.Id));
        using var e = bus.Subscribe(RrrTopic.All, e => rrr.Add(e.Id));

        bus.Publish(new PromotionChanged("promo_1"));

        Assert.Equal(["promo_1"], any);
        Assert.Equal(["promo_1"], one);
        Assert.Empty(other);
        Assert.Empty(rrr);
    }

    [Fact]
    public void AnAdjustmentRequestChange_ReachesTheAdjustmentsTopic_Only()
    {
        var adjustments = new List<string>();
        var promotions = new List<string>();
        using var a = bus.Subscribe(AdjustmentRequestChanged.Any, c => adjustments.Add(c.RequestId));
        using var b = bus.Subscribe(PromotionChanged.Any, c => promotions.Add(c.PromotionId));

        bus.Publish(new AdjustmentRequestChanged("apr_1"));

        Assert.Equal(["apr_1"], adjustments);
        Assert.Empty(promotions);
    }

    [Fact]
    public void TheEventTypeTopic_CarriesThatTypeOnly()
    {
        var heard = new List<string>();
        using var subscription = bus.Subscribe(RrrTopic.OfType(RrrEventTypes.LinkUpdated), e => heard.Add(e.Id));

        bus.Publish(Event("evt_1", RrrEventTypes.PointsPosted, ("rrr_member_id", "rrr_m_1")));
        bus.Publish(Event("evt_2", RrrEventTypes.LinkUpdated, ("xcn_user_id", "xcn_u_1")));

        Assert.Equal(["evt_2"], heard);
    }

    [Fact]
    public void PortalMessages_ArePlainRecords_ThatTravelAsJson()
    {
        // What a store-backed feed (issue 15) would carry: the ids, nothing computed, no delegates.
        Assert.Equal("""{"PromotionId":"promo_1"}""", JsonSerializer.Serialize(new PromotionChanged("promo_1")));
        Assert.Equal("""{"RequestId":"apr_1"}""", JsonSerializer.Serialize(new AdjustmentRequestChanged("apr_1")));
        Assert.Equal(new PromotionChanged("promo_1"), JsonSerializer.Deserialize<PromotionChanged>("""{"PromotionId":"promo_1"}"""));
        Assert.Equal(new AdjustmentRequestChanged("apr_1"), JsonSerializer.Deserialize<AdjustmentRequestChanged>("""{"RequestId":"apr_1"}"""));

        var applied = Event("evt_1", RrrEventTypes.PointsPosted, ("rrr_member_id", "rrr_m_1"), ("points", 5L));
        var again = RrrEventPayload.Parse(RrrEventPayload.ToJson(applied))!;
        Assert.Equal(applied.Topics(), again.Topics());
        Assert.Equal(5L, again.GetLong("points"));
    }

    [Fact]
    public void OneCircuit_SharesOneBusSubscriptionPerTopic_AndEveryLocalHandlerHears()
    {
        using var circuit = new CircuitEvents(bus);
        var first = new List<string>();
        var second = new List<string>();
        var topic = RrrTopic.XcnUser("xcn_u_1");

        var a = circuit.Subscribe(topic, e => first.Add(e.Id));
        using var b = circuit.Subscribe(topic, e => second.Add(e.Id));
        Assert.Equal(1, bus.SubscriberCount(topic.Key));

        bus.Publish(Event("evt_1", RrrEventTypes.LinkUpdated, ("xcn_user_id", "xcn_u_1")));
        a.Dispose();
        a.Dispose();
        Assert.Equal(1, bus.SubscriberCount(topic.Key));
        bus.Publish(Event("evt_2", RrrEventTypes.LinkUpdated, ("xcn_user_id", "xcn_u_1")));

        Assert.Equal(["evt_1"], first);
        Assert.Equal(["evt_1", "evt_2"], second);
    }

    [Fact]
    public void TwoCircuits_EachHoldTheirOwn_AndTheLastLocalOrTheCircuitEndsIt()
    {
        var topic = RrrTopic.Member("rrr_m_1");
        var one = new CircuitEvents(bus);
        using var two = new CircuitEvents(bus);
        var local = one.Subscribe(topic, _ => { });
        using var kept = two.Subscribe(topic, _ => { });
        using var promotions = one.Subscribe(PromotionChanged.Any, _ => { });
        Assert.Equal(2, bus.SubscriberCount(topic.Key));

        local.Dispose();
        Assert.Equal(1, bus.SubscriberCount(topic.Key));

        one.Dispose();
        Assert.Equal(0, bus.SubscriberCount(PromotionChanged.Any.Key));
        Assert.Equal(1, bus.SubscriberCount(topic.Key));
        Assert.Throws<ObjectDisposedException>(() => one.Subscribe(topic, _ => { }));
    }

    [Fact]
    public void AThrowingHandlerInACircuit_DoesNotKeepTheMessageFromItsNeighbours()
    {
        using var circuit = new CircuitEvents(bus);
        var heard = new List<string>();
        using var broken = circuit.Subscribe(RrrTopic.Member("rrr_m_1"), _ => throw new InvalidOperationException("component gone"));
        using var fine = circuit.Subscribe(RrrTopic.Member("rrr_m_1"), e => heard.Add(e.Id));

        bus.Publish(Event("evt_1", RrrEventTypes.PointsPosted, ("rrr_member_id", "rrr_m_1")));

        Assert.Equal(["evt_1"], heard);
    }
}
