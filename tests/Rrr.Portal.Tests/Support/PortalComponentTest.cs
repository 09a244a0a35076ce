using System.Globalization;
using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Rrr.Portal.Auth;
using Rrr.Portal.Components;

namespace Rrr.Portal.Tests.Support;

/// <summary>
/// bUnit base with MudBlazor set up for tests (loose JS interop, no transitions) and the portal's
/// real role policies, so component tests exercise the same role-to-policy mapping as the app.
/// </summary>
public abstract class PortalComponentTest : BunitContext
{
    private readonly TestAuthenticationStateProvider _auth = new();

    protected PortalComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
            o.PopoverOptions.CheckForPopoverProvider = false;
        });
        // English unless a test says otherwise, whatever the machine's culture: the texts and "1,250" tests expect.
        // The culture is an async-local, so this holds for this test's flow only (other tests are untouched).
        UseCulture("en");
        // The portal's texts come from resources (IStringLocalizer<T>), as in the app.
        Services.AddLocalization();
        // The reader's zone: UTC (stated) until a test gives one, as before the browser has said.
        Services.AddScoped<ReaderTime>();
        Services.AddPortalAuthorization();
        // bUnit registers a placeholder that throws; use the real evaluator over the real policies instead.
        Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        Services.AddSingleton<AuthenticationStateProvider>(_auth);
    }

    /// <summary>Renders in <paramref name="name"/> from here on (formats and texts), as a circuit opened in it would.</summary>
    protected static void UseCulture(string name)
    {
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
    }

    protected void SignInAs(string name, params string[] roles)
    {
        var identity = new ClaimsIdentity("test", "name", "role");
        identity.AddClaim(new Claim("name", name));
        identity.AddClaims(roles.Select(r => new Claim("role", r)));
        _auth.Set(new ClaimsPrincipal(identity));
    }

    /// <summary>Signs in a principal built by the test (e.g. with a <c>sub</c> claim).</summary>
    protected void SignInAs(ClaimsPrincipal user) => _auth.Set(user);

    private sealed class TestAuthenticationStateProvider : AuthenticationStateProvider
    {
        private ClaimsPrincipal _user = new(new ClaimsIdentity());

        public void Set(ClaimsPrincipal user)
        {
            _user = user;
            NotifyAuthenticationStateChanged(GetAuthenticationStateAsync());
        }

        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(_user));
    }
}
