namespace Rrr.Core.Features.Links;

/// <summary>
/// The link wizard confirmed a link for this XCN user (RRR answered LINKED). On the bus, so what waits for a link (held
/// earn orders) need not wait for RRR's LINK_UPDATED webhook; that webhook still comes and finds the work done.
/// </summary>
public sealed record MemberLinked(string XcnUserId) : IPortalMessage
{
    public static readonly PortalTopic<MemberLinked> Any = new("link.confirmed", "");

    public IEnumerable<PortalTopicKey> Topics() => [Any.Key];
}
