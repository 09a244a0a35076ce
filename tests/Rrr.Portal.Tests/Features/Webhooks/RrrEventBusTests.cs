using Microsoft.Extensions.Logging.Abstractions;
using Rrr.Core.Features;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Portal.Tests.Features.Webhooks;

public sealed class RrrEventBusTests
{
    private readonly PortalEvents notifier = new(NullLogger<PortalEvents>.Instance);

    private static RrrEvent Event(string id, params (string Key, object? Value)[] data) =>
        new(id, "POINTS_POSTED", null, data.ToDictionary(d => d.Key, d => d.Value));

    [Fact]
    public void Publish_ReachesSubscribersOfEachTopicTheEventNames()
    {
        var member = new List<string>();
        var user = new List<string>();
        var promotion = new List<string>();
        var other = new List<string>();
        using var a = notifier.Subscribe(RrrTopic.Member("rrr_m_1"), e => member.Add(e.Id));
        using var b = notifier.Subscribe(RrrTopic.XcnUser("xcn_u_1"), e => user.Add(e.Id));
        using var c = notifier.Subscribe(RrrTopic.Promotion("promo_1"), e => promotion.Add(e.Id));
        using var d = notifier.Subscribe(RrrTopic.Member("rrr_m_2"), e => other.Add(e.Id));

        notifier.Publish(Event("evt_1", ("resource_type", "wallet"), ("resource_id", "rrr_m_1"), ("rrr_member_id", "rrr_m_1")));
        notifier.Publish(Event("evt_2", ("resource_type", "link"), ("resource_id", "xcn_u_1"), ("xcn_user_id", "xcn_u_1")));
        notifier.Publish(Event("evt_3", ("resource_type", "promotion"), ("resource_id", "promo_1")));

        Assert.Equal(["evt_1"], member);
        Assert.Equal(["evt_2"], user);
        Assert.Equal(["evt_3"], promotion);
        Assert.Empty(other);
    }

    [Fact]
    public void Publish_ASubscriberOfSeveralMatchingTopicsHearsOnce_AndAllHearsEverything()
    {
        var heard = new List<string>();
        var all = new List<string>();
        Action<RrrEvent> handler = e => heard.Add(e.Id);
        using var a = notifier.Subscribe(RrrTopic.Member("rrr_m_1"), handler);
        using var b = notifier.Subscribe(RrrTopic.All, e => all.Add(e.Id));

        notifier.Publish(Event("evt_1", ("resource_type", "wallet"), ("resource_id", "rrr_m_1"), ("rrr_member_id", "rrr_m_1")));

        Assert.Equal(["evt_1"], heard);
        Assert.Equal(["evt_1"], all);
    }

    [Fact]
    public void Dispose_StopsDelivery_OnlyForThatSubscription()
    {
        var first = new List<string>();
        var second = new List<string>();
        var subscription = notifier.Subscribe(RrrTopic.Member("rrr_m_1"), e => first.Add(e.Id));
        using var kept = notifier.Subscribe(RrrTopic.Member("rrr_m_1"), e => second.Add(e.Id));

        subscription.Dispose();
        subscription.Dispose();
        notifier.Publish(Event("evt_1", ("rrr_member_id", "rrr_m_1")));

        Assert.Empty(first);
        Assert.Equal(["evt_1"], second);
    }

    [Fact]
    public void AThrowingSubscriber_DoesNotKeepTheEventFromTheOthers()
    {
        var heard = new List<string>();
        using var broken = notifier.Subscribe(RrrTopic.Member("rrr_m_1"), _ => throw new InvalidOperationException("circuit gone"));
        using var fine = notifier.Subscribe(RrrTopic.Member("rrr_m_1"), e => heard.Add(e.Id));

        notifier.Publish(Event("evt_1", ("rrr_member_id", "rrr_m_1")));

        Assert.Equal(["evt_1"], heard);
    }

    [Fact]
    public async Task ConcurrentSubscribeAndPublish_NeitherLosesNorBreaks()
    {
        var count = 0;
        using var steady = notifier.Subscribe(RrrTopic.Member("rrr_m_1"), _ => Interlocked.Increment(ref count));

        var churn = Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                notifier.Subscribe(RrrTopic.Member("rrr_m_1"), _ => { }).Dispose();
            }
        }, TestContext.Current.CancellationToken);
        var publish = Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                notifier.Publish(Event($"evt_{i}", ("rrr_member_id", "rrr_m_1")));
            }
        }, TestContext.Current.CancellationToken);
        await Task.WhenAll(churn, publish);

        Assert.Equal(2000, count);
    }
}
