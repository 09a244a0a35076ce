namespace Rrr.Core.Features.Earn;

/// <summary>
/// Releases a member's held orders as soon as the portal learns they are linked: RRR's LINK_UPDATED (status LINKED) as
/// the webhook processor applied it, or the link wizard's own confirmation (<see cref="MemberLinked"/>), whichever comes
/// first; the second finds nothing left to release.
/// </summary>
public sealed class HeldEarnRelease(IPortalEvents events, HeldEarnings held, ILogger<HeldEarnRelease> logger)
    : BusListener<string>(events, logger)
{
    public const string Linked = "LINKED";

    protected override IEnumerable<IDisposable> Subscribe(IPortalEvents bus) =>
    [
        bus.Subscribe(RrrTopic.OfType(RrrEventTypes.LinkUpdated), rrrEvent =>
        {
            if (rrrEvent.GetString("status") == Linked && (rrrEvent.XcnUserId ?? rrrEvent.ResourceId) is { Length: > 0 } user)
            {
                Enqueue(user);
            }
        }),
        bus.Subscribe(MemberLinked.Any, linked => Enqueue(linked.XcnUserId)),
    ];

    protected override async Task HandleAsync(IReadOnlyList<string> batch, CancellationToken cancellationToken)
    {
        foreach (var user in batch.Distinct(StringComparer.Ordinal))
        {
            await held.ReleaseAsync(user, cancellationToken);
        }
    }
}
