namespace Rrr.Core.Features.Members;

/// <summary>The signed-in member: XCN user id from the identity, link state and RRR member id from RRR (or its cache).</summary>
public sealed record MemberContext(string XcnUserId, LinkView Link)
{
    /// <summary>The RRR member whose wallet this member may see; null unless linked.</summary>
    public string? RrrMemberId => Link.IsLinked ? Link.RrrMemberId : null;
}

/// <summary>
/// Resolves "who am I" for member features, per circuit. Deliberately takes no member or user id:
/// everything downstream (wallet, history, later checkout and SSO) starts here, so a forged id in a
/// URL or request has nowhere to go.
/// </summary>
public sealed class CurrentMemberService(IMemberIdentity identity, LinkStatusService links)
{
    /// <param name="refreshLink">Ask RRR again even if this circuit asked moments ago (after LINK_UPDATED).</param>
    public async Task<MemberContext> GetAsync(bool refreshLink, CancellationToken cancellationToken)
    {
        var xcnUserId = await identity.GetXcnUserIdAsync(cancellationToken) ?? throw new MemberIdentityMissingException();

        // The identity is read here once and handed on, not read again by the link service.
        var link = await links.GetForAsync(xcnUserId, refreshLink, cancellationToken);
        return new MemberContext(xcnUserId, link);
    }

    /// <summary>What the store last held, without calling RRR (first paint while RRR is asked).</summary>
    public async Task<MemberContext?> PeekAsync(CancellationToken cancellationToken)
    {
        var xcnUserId = await identity.GetXcnUserIdAsync(cancellationToken);
        if (xcnUserId is null)
        {
            return null;
        }

        var link = await links.PeekAsync(cancellationToken);
        return link is null ? null : new MemberContext(xcnUserId, link);
    }
}
