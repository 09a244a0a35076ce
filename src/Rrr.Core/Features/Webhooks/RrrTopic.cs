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
