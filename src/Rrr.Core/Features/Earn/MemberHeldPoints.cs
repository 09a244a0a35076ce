namespace Rrr.Core.Features.Earn;

/// <summary>The signed-in member's held orders, for their points panel. Takes no user id: the member is the sign-in's.</summary>
public sealed class MemberHeldPoints(IMemberIdentity identity, HeldEarnings held)
{
    /// <summary>Null when no member id is signed in.</summary>
    public async Task<HeldPoints?> GetAsync(CancellationToken cancellationToken) =>
        await identity.GetXcnUserIdAsync(cancellationToken) is { Length: > 0 } xcnUserId
            ? await held.SummaryAsync(xcnUserId, cancellationToken)
            : null;
}
