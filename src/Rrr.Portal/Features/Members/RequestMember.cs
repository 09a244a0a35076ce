namespace Rrr.Portal.Features.Members;

/// <summary>
/// The member services read "who" through the Blazor authentication state (<see cref="ClaimsMemberIdentity"/>). In a
/// circuit that is the circuit's user; a plain endpoint (a form post, a download) sets it to this request's user first.
/// </summary>
internal static class RequestMember
{
    public static void UseRequestUserForMemberServices(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.RequestServices.GetService<AuthenticationStateProvider>() is IHostEnvironmentAuthenticationStateProvider host)
        {
            host.SetAuthenticationState(Task.FromResult(new AuthenticationState(http.User)));
        }
    }
}
