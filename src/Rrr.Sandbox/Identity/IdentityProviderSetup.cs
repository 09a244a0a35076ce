using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Rrr.Sandbox.Identity;

/// <summary>
/// A development OpenID Connect provider (OpenIddict): authorization code + PKCE, demo accounts only.
/// Keys are ephemeral and the store in memory: a sandbox restart ends sandbox sessions, never the portal's.
/// </summary>
public static class IdentityProviderSetup
{
    public static IServiceCollection AddSandboxIdentityProvider(this IServiceCollection services, SandboxSettings settings)
    {
        // EF's in-memory databases are shared process-wide by name; a name per host keeps a later sandbox on a
        // reused port (tests start many) from inheriting the previous one's client registration and codes.
        var databaseName = "rrr-sandbox-idp-" + Guid.NewGuid().ToString("N");
        services.AddDbContext<IdpDbContext>(o =>
        {
            o.UseInMemoryDatabase(databaseName);
            o.UseOpenIddict();
        });

        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<IdpDbContext>())
            .AddServer(o =>
            {
                o.SetIssuer(settings.Url);
                o.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/endsession")
                    .SetUserInfoEndpointUris("connect/userinfo");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Roles);
                o.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });

        services.AddHostedService<ClientSeeder>();
        return services;
    }

    public static IEndpointRouteBuilder MapSandboxIdentityProvider(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/connect/authorize", ["GET", "POST"], (Func<HttpContext, Task<IResult>>)AuthorizeAsync);
        app.MapPost("/connect/token", (Func<HttpContext, Task<IResult>>)ExchangeAsync);
        app.MapMethods("/connect/endsession", ["GET", "POST"], (Func<HttpContext, Task<IResult>>)EndSessionAsync);
        app.MapMethods("/connect/userinfo", ["GET", "POST"], (Func<HttpContext, Task<IResult>>)UserInfo);
        app.MapPost("/account/choose", SignInAsync).DisableAntiforgery().AddEndpointFilter(SameOriginFormPost.RequireAsync);
        app.MapPost("/account/logout", (Func<HttpContext, Task<IResult>>)SignOutAsync);
        return app;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var session = await http.AuthenticateAsync(SandboxApp.CookieScheme);
        var account = DemoAccounts.FindBySubject(session.Principal?.FindFirstValue(Claims.Subject));
        if (account is null || request.HasPromptValue(PromptValues.Login))
        {
            return Results.Challenge(
                new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + http.Request.QueryString },
                [SandboxApp.CookieScheme]);
        }

        var identity = CreateIdentity(account);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(DestinationsFor);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> ExchangeAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        if (!request.IsAuthorizationCodeGrantType())
        {
            return Forbid(Errors.UnsupportedGrantType, "Only the authorization code flow is supported.");
        }

        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var account = DemoAccounts.FindBySubject(result.Principal?.GetClaim(Claims.Subject));
        if (account is null)
        {
            return Forbid(Errors.InvalidGrant, "The demo account no longer exists.");
        }

        // Re-issue from the account, not the code's principal, so role changes in the demo list take effect.
        var identity = CreateIdentity(account);
        identity.SetScopes(result.Principal!.GetScopes());
        identity.SetDestinations(DestinationsFor);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> EndSessionAsync(HttpContext http)
    {
        await http.SignOutAsync(SandboxApp.CookieScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static async Task<IResult> UserInfo(HttpContext http)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var account = DemoAccounts.FindBySubject(result.Principal?.GetClaim(Claims.Subject));
        return account is null
            ? Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme])
            : Results.Ok(new Dictionary<string, object>
            {
                [Claims.Subject] = account.Subject,
                [Claims.Name] = account.DisplayName,
                [Claims.PreferredUsername] = account.UserName,
                [Claims.Role] = new[] { account.Role },
            });
    }

    // No login CSRF, even in the sandbox: SameOriginFormPost checks where the post comes from.
    private static async Task<IResult> SignInAsync(HttpContext http, [FromForm] string? username, [FromForm] string? returnUrl)
    {
        var account = DemoAccounts.Find(username);
        returnUrl ??= "";
        if (account is null)
        {
            return Results.Redirect("/account/login?error=unknown&returnUrl=" + Uri.EscapeDataString(returnUrl));
        }

        var identity = new ClaimsIdentity(SandboxApp.CookieScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, account.Subject));
        identity.AddClaim(new Claim(Claims.Name, account.DisplayName));
        identity.AddClaim(new Claim(Claims.Role, account.Role));
        await http.SignInAsync(SandboxApp.CookieScheme, new ClaimsPrincipal(identity));

        // Only local return URLs: an open redirect on a login form is a phishing tool.
        var target = RedirectHttpResult.IsLocalUrl(returnUrl) ? returnUrl : HomeFor(account);
        return Results.Redirect(target);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(SandboxApp.CookieScheme);
        return Results.Redirect("/");
    }

    internal static string HomeFor(DemoAccount account) =>
        account.Role == DemoRoles.RrrAdmin ? "/console" : "/";

    private static ClaimsIdentity CreateIdentity(DemoAccount account)
    {
        var identity = new ClaimsIdentity(
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, account.Subject)
            .SetClaim(Claims.Name, account.DisplayName)
            .SetClaim(Claims.PreferredUsername, account.UserName)
            .SetClaims(Claims.Role, [account.Role]);
        return identity;
    }

    private static IEnumerable<string> DestinationsFor(Claim claim) => claim.Type switch
    {
        Claims.Subject or Claims.Name or Claims.PreferredUsername or Claims.Role
            => [Destinations.AccessToken, Destinations.IdentityToken],
        _ => [Destinations.AccessToken],
    };

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
