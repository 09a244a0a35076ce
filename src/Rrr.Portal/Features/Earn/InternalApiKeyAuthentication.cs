namespace Rrr.Portal.Features.Earn;

/// <summary>
/// Authenticates XCN's internal services by the <c>X-Internal-Key</c> header. Only endpoints whose policy
/// names this scheme use it, and such a policy uses nothing else: a member's cookie never opens them.
/// </summary>
public sealed class InternalApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<InternalApiOptions> settings,
    ClientFailureLimiter failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "InternalApiKey";
    public const string HeaderName = "X-Internal-Key";
    public const string Policy = "internal-service";
    public const string ServiceRole = "internal_service";

    /// <summary>Far above any real key (Production needs 32+); a longer header is refused unread.</summary>
    public const int MaxKeyLength = 256;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (values[0]!.Length > MaxKeyLength || !Matches(values[0]!, settings.CurrentValue.ApiKeys))
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid internal key."));
        }

        return Task.FromResult(KeyHolder(SchemeName, "xcn-internal", ServiceRole));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Only refused calls count against the address, so a valid key is never limited.
        if (failures.CountFailure(ClientFailure.InternalKey, Context) is { } wait)
        {
            await RateLimitHosting.WriteTooManyAsync(Context, wait);
            return;
        }

        // One answer for a missing and a wrong key: the caller learns nothing to adjust.
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Internal key required.",
                detail: $"Send a valid {HeaderName} header.")
            .ExecuteAsync(Context);
    }

    /// <summary>
    /// Constant time in the presented key: both sides are hashed first, so neither the content nor the
    /// length of a configured key shows in the timing; every configured key is compared.
    /// </summary>
    internal static bool Matches(string presented, IEnumerable<string> keys)
    {
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var key in keys)
        {
            if (string.IsNullOrEmpty(key))
            {
                continue;
            }

            match |= CryptographicOperations.FixedTimeEquals(presentedHash, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return match;
    }

    /// <summary>A caller that presented a configured key: one fixed service identity with one role, no person.</summary>
    internal static AuthenticateResult KeyHolder(string scheme, string subject, string role)
    {
        var identity = new ClaimsIdentity(scheme, "sub", "role");
        identity.AddClaim(new Claim("sub", subject));
        identity.AddClaim(new Claim("role", role));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), scheme));
    }
}
