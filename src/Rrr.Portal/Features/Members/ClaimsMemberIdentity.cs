namespace Rrr.Portal.Features.Members;

/// <summary>The circuit's signed-in user: the XCN user id is the identity provider's <c>sub</c> claim, and nothing else.</summary>
internal sealed class ClaimsMemberIdentity(AuthenticationStateProvider authentication) : IMemberIdentity
{
    public const string SubjectClaim = "sub";

    public async Task<string?> GetXcnUserIdAsync(CancellationToken cancellationToken)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        if (state.User.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        return state.User.FindFirst(SubjectClaim)?.Value is { Length: > 0 } sub ? sub : null;
    }
}
