using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Rrr.Portal.Auth;

/// <summary>Cookie session for the circuit, OpenID Connect (code + PKCE) for sign-in, role policies.</summary>
public static class AuthSetup
{
    public const string CookieName = "rrr.portal.auth";

    public static IServiceCollection AddPortalAuth(this IServiceCollection services)
    {
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.AccessDeniedPath = "/forbidden";
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToAccessDenied = ctx => ApiAwareRedirect(ctx, StatusCodes.Status403Forbidden);
            })
            .AddOpenIdConnect();

        services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IOptions<OidcOptions>>((o, settings) => Configure(o, settings.Value));

        services.AddPortalAuthorization();
        return services;
    }

    /// <summary>Role policies and the deny-by-default fallback; shared by the app and component tests.</summary>
    public static IServiceCollection AddPortalAuthorization(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            // Everything needs a signed-in user unless it opts out: the landing page, sign-in, health, assets.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(PortalPolicies.Member, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Member))
            .AddPolicy(PortalPolicies.Model, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Model))
            .AddPolicy(PortalPolicies.Admin, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Admin))
            .AddPolicy(PortalPolicies.Inbox, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Member, PortalRoles.Model, PortalRoles.Admin));
        services.AddCascadingAuthenticationState();
        return services;
    }

    private static void Configure(OpenIdConnectOptions o, OidcOptions settings)
    {
        o.Authority = settings.Authority;
        o.ClientId = settings.ClientId;
        o.ClientSecret = settings.ClientSecret;
        o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        // The code comes back on a top-level GET, so Lax cookies suffice and plain-HTTP development works.
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.NonceCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.SaveTokens = true; // the id token is the hint for RP-initiated sign-out
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = settings.GetClaimsFromUserInfoEndpoint;
        o.TokenValidationParameters.NameClaimType = settings.NameClaim;
        o.TokenValidationParameters.RoleClaimType = settings.RoleClaim;
        o.SignedOutRedirectUri = "/";
        o.Scope.Clear();
        foreach (var scope in settings.Scopes.DefaultIfEmpty("openid"))
        {
            o.Scope.Add(scope);
        }

        o.Events.OnRedirectToIdentityProvider = ctx =>
        {
            // Machine callers get a 401, not an HTML login page.
            if (IsApiRequest(ctx.Request))
            {
                ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                ctx.HandleResponse();
            }

            return Task.CompletedTask;
        };
    }

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account");
        account.MapGet("/signin", SignIn).AllowAnonymous();
        account.MapPost("/signout", SignOutAsync);
        account.MapGet("/home", Home);
        return app;
    }

    private static ChallengeHttpResult SignIn(string? returnUrl) =>
        TypedResults.Challenge(
            new AuthenticationProperties { RedirectUri = RedirectHttpResult.IsLocalUrl(returnUrl) ? returnUrl : "/account/home" },
            [OpenIdConnectDefaults.AuthenticationScheme]);

    // Binding the form makes the endpoint validate the antiforgery token, so other sites can't sign people out.
    private static SignOutHttpResult SignOutAsync([FromForm] string? returnUrl) =>
        TypedResults.SignOut(
            new AuthenticationProperties { RedirectUri = "/" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);

    private static RedirectHttpResult Home(HttpContext http) => TypedResults.LocalRedirect(HomePathFor(http.User));

    /// <summary>The page a person lands on after sign-in; admins first, since they see the most.</summary>
    public static string HomePathFor(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(PortalRoles.Admin) ? "/admin"
        : user.IsInRole(PortalRoles.Model) ? "/model"
        : user.IsInRole(PortalRoles.Member) ? "/member"
        : "/no-role";

    private static Task ApiAwareRedirect(RedirectContext<CookieAuthenticationOptions> ctx, int apiStatus)
    {
        if (IsApiRequest(ctx.Request))
        {
            ctx.Response.StatusCode = apiStatus;
        }
        else
        {
            ctx.Response.Redirect(ctx.RedirectUri);
        }

        return Task.CompletedTask;
    }

    // The circuit's endpoints (/_blazor: negotiate, disconnect beacon) too: a beacon that followed a sign-in redirect
    // while the identity provider's session was still open came back signed in, undoing a sign-out.
    private static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/internal") || request.Path.StartsWithSegments("/_blazor");
}
