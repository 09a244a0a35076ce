using Microsoft.AspNetCore.Components.Server;

namespace Rrr.Portal.Auth;

/// <summary>How long a sign-in lasts, whatever the activity. Bound from "Auth".</summary>
public sealed class AuthSessionOptions
{
    public const string Section = "Auth";

    /// <summary>From sign-in; sliding renewal never extends it. After it, the cookie is refused and open circuits end.</summary>
    public TimeSpan AbsoluteSessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often an open circuit re-checks its user.</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// A reason a signed-in user may no longer be signed in. The circuit asks every check each
/// <see cref="AuthSessionOptions.RevalidationInterval"/>; add one (e.g. asking XCN's user service whether
/// the account or role still exists) by registering another implementation.
/// </summary>
public interface ISessionCheck
{
    ValueTask<bool> IsStillValidAsync(ClaimsPrincipal user, CancellationToken cancellationToken);
}

/// <summary>The sign-in time rides in the (encrypted) cookie as a claim, so both the cookie and the circuit can enforce the lifetime.</summary>
public static class SessionLifetime
{
    public const string SignedInAtClaim = "rrr_signed_in_at";

    /// <summary>Stamps the sign-in time once; a re-issued cookie keeps the original stamp.</summary>
    public static void Stamp(ClaimsPrincipal principal, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.HasClaim(c => c.Type == SignedInAtClaim) || principal.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        identity.AddClaim(new Claim(SignedInAtClaim, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
    }

    /// <summary>A principal without the stamp (issued before it existed, or forged without it) counts as expired.</summary>
    public static bool IsWithin(ClaimsPrincipal principal, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var value = principal.FindFirst(SignedInAtClaim)?.Value;
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && now - DateTimeOffset.FromUnixTimeSeconds(seconds) < lifetime;
    }
}

internal sealed class AbsoluteLifetimeCheck(TimeProvider time, IOptionsMonitor<AuthSessionOptions> settings) : ISessionCheck
{
    public ValueTask<bool> IsStillValidAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ValueTask.FromResult(SessionLifetime.IsWithin(user, time.GetUtcNow(), settings.CurrentValue.AbsoluteSessionLifetime));
}

/// <summary>
/// Ends an open circuit's sign-in once a check fails: the circuit's user becomes anonymous, so pages that
/// need a role stop rendering for it without waiting for the next HTTP request.
/// </summary>
internal sealed class PortalSessionRevalidator(
    ILoggerFactory loggerFactory, IOptions<AuthSessionOptions> settings, IEnumerable<ISessionCheck> checks)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => settings.Value.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var user = authenticationState.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return true;
        }

        foreach (var check in checks)
        {
            if (!await check.IsStillValidAsync(user, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class AuthSessionOptionsValidator : IValidateOptions<AuthSessionOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthSessionOptions options)
    {
        var failures = new List<string>();
        if (options.AbsoluteSessionLifetime <= TimeSpan.Zero || options.AbsoluteSessionLifetime > TimeSpan.FromDays(30))
        {
            failures.Add($"{AuthSessionOptions.Section}:AbsoluteSessionLifetime must be above 0 and at most 30 days.");
        }

        if (options.RevalidationInterval <= TimeSpan.Zero || options.RevalidationInterval > options.AbsoluteSessionLifetime)
        {
            failures.Add($"{AuthSessionOptions.Section}:RevalidationInterval must be above 0 and at most {AuthSessionOptions.Section}:AbsoluteSessionLifetime.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class SessionRevalidationSetup
{
    /// <summary>
    /// The absolute session lifetime on the cookie (checked on every request, even with sliding expiration)
    /// and the revalidating authentication state for circuits. Register after AddRazorComponents, so this
    /// provider replaces the framework's plain one.
    /// </summary>
    public static IServiceCollection AddPortalSessions(this IServiceCollection services)
    {
        services.AddOptions<AuthSessionOptions>().BindConfiguration(AuthSessionOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthSessionOptions>, AuthSessionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionCheck, AbsoluteLifetimeCheck>());
        services.AddScoped<AuthenticationStateProvider, PortalSessionRevalidator>();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .PostConfigure<TimeProvider, IOptionsMonitor<AuthSessionOptions>>(EnforceAbsoluteLifetime);
        return services;
    }

    private static void EnforceAbsoluteLifetime(CookieAuthenticationOptions options, TimeProvider time, IOptionsMonitor<AuthSessionOptions> settings)
    {
        options.TimeProvider ??= time;
        var signingIn = options.Events.OnSigningIn;
        options.Events.OnSigningIn = async ctx =>
        {
            await signingIn(ctx);
            if (ctx.Principal is { } principal)
            {
                SessionLifetime.Stamp(principal, time.GetUtcNow());
            }
        };

        var validatePrincipal = options.Events.OnValidatePrincipal;
        options.Events.OnValidatePrincipal = async ctx =>
        {
            await validatePrincipal(ctx);
            if (ctx.Principal is { } principal
                && !SessionLifetime.IsWithin(principal, time.GetUtcNow(), settings.CurrentValue.AbsoluteSessionLifetime))
            {
                ctx.RejectPrincipal();
                await ctx.HttpContext.SignOutAsync(ctx.Scheme.Name);
            }
        };
    }
}
