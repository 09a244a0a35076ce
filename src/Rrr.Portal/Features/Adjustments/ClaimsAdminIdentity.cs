namespace Rrr.Portal.Features.Adjustments;

/// <summary>The circuit's signed-in admin: the <c>sub</c> claim, and only when the identity carries the admin role.</summary>
internal sealed class ClaimsAdminIdentity(AuthenticationStateProvider authentication) : IAdminIdentity
{
    public async Task<string?> GetAdminIdAsync(CancellationToken cancellationToken)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (user.Identity?.IsAuthenticated != true || !user.IsInRole(PortalRoles.Admin))
        {
            return null;
        }

        return user.FindFirst("sub")?.Value is { Length: > 0 } sub ? sub : null;
    }
}
