namespace Rrr.Core.Features.Webhooks;

/// <summary>The bus topics of applied RRR events: everything, one event type, one RRR member, one XCN user, one promotion.</summary>
public static class RrrTopic
{
    /// <summary>Every applied event (admin screens).</summary>
    public static readonly PortalTopic<RrrEvent> All = new("rrr", "");

    public static PortalTopic<RrrEvent> OfType(string eventType) => new("rrr.type", eventType);

    public static PortalTopic<RrrEvent> Member(string rrrMemberId) => new("rrr.member", rrrMemberId);

    public static PortalTopic<RrrEvent> XcnUser(string xcnUserId) => new("rrr.xcn-user", xcnUserId);

    public static PortalTopic<RrrEvent> Promotion(string promotionId) => new("rrr.promotion", promotionId);
}

/// <summary>
/// Every new RRR event the webhook processor settled, whether it moved a resource's state (<see cref="Applied"/>) or
/// not: RRR may send several events at one resource version (one ledger transaction, several lots posted), and
/// each is still a fact a member hears about. <see cref="RrrEvent"/> on <see cref="RrrTopic"/> is the news of
/// state (applied only); this is the record of what happened (notifications follow it).
/// </summary>
public sealed record RrrFact(RrrEvent Event, bool Applied) : IPortalMessage
{
    public static PortalTopic<RrrFact> OfType(string eventType) => new("rrr.fact", eventType);

    public IEnumerable<PortalTopicKey> Topics() => [OfType(Event.Type).Key];
}
