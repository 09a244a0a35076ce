namespace Rrr.Portal.Hosting;

/// <summary>The OpenID Connect provider the portal signs people in with. Any compliant provider works.</summary>
public sealed class OidcOptions
{
    public const string Section = "Oidc";

    public string Authority { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    public IList<string> Scopes { get; set; } = [];

    /// <summary>The claim that carries roles (e.g. "role", "roles", or a provider-specific URI).</summary>
    public string RoleClaim { get; set; } = "role";

    public string NameClaim { get; set; } = "name";

    public bool GetClaimsFromUserInfoEndpoint { get; set; }

    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>The in-process RRR sandbox (development identity provider and RRR stand-in).</summary>
public sealed class SandboxHostOptions
{
    public const string Section = "Sandbox";

    public const string DevClientId = "rrr-portal";

    // Not a secret: the development provider only knows demo accounts, and Production refuses it.
    public const string DevClientSecret = "sandbox-portal-secret";

    public bool Enabled { get; set; }

    public Uri Url { get; set; } = new("http://localhost:5081");
}
