namespace Rrr.Portal.Hosting;

/// <summary>
/// Fails start-up with every problem named by its setting path, so an operator fixes them in one go.
/// Every environment but Development refuses the sandbox and the development identity provider outright.
/// </summary>
internal sealed class OidcOptionsValidator(IHostEnvironment environment, IConfiguration configuration)
    : IValidateOptions<OidcOptions>
{
    public ValidateOptionsResult Validate(string? name, OidcOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Authority))
        {
            failures.Add("Oidc:Authority is required (the OpenID Connect issuer URL).");
        }
        else if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
        {
            failures.Add("Oidc:Authority must be an absolute URL.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add("Oidc:ClientId is required.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            failures.Add("Oidc:ClientSecret is required.");
        }

        if (string.IsNullOrWhiteSpace(options.RoleClaim))
        {
            failures.Add("Oidc:RoleClaim is required (the claim that carries roles).");
        }

        if (!DevelopmentOnly.Allows(environment))
        {
            var outside = DevelopmentOnly.Outside(environment);
            if (!options.RequireHttpsMetadata || options.Authority.StartsWith("http:", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"Oidc:Authority must use https and Oidc:RequireHttpsMetadata must be true {outside}.");
            }

            if (DevelopmentOnly.IsDevValue(options.ClientSecret, SandboxHostOptions.DevClientSecret))
            {
                failures.Add($"Oidc:ClientSecret is the sandbox's published development secret, which is refused {outside}.");
            }

            if (SameOrigin(options.Authority, DevelopmentOnly.ConfiguredSandboxUrl(configuration)))
            {
                failures.Add($"Oidc:Authority points at the sandbox's development identity provider, which is refused {outside}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool SameOrigin(string authority, Uri sandboxUrl) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri)
        && Uri.Compare(uri, sandboxUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}

internal sealed class SandboxHostOptionsValidator(IHostEnvironment environment) : IValidateOptions<SandboxHostOptions>
{
    public ValidateOptionsResult Validate(string? name, SandboxHostOptions options) =>
        options.Enabled && !DevelopmentOnly.Allows(environment)
            ? ValidateOptionsResult.Fail(
                $"Sandbox:Enabled must be false {DevelopmentOnly.Outside(environment)}: the RRR sandbox (passwordless demo sign-in, "
                + "a card that approves without money, readable link codes) is a development stand-in.")
            : ValidateOptionsResult.Success;
}
