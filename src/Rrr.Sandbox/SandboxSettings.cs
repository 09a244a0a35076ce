namespace Rrr.Sandbox;

/// <summary>
/// Everything the sandbox needs to start, whether the portal hosts it in-process or it runs alone.
/// Deliberately not bound from the host's configuration files: the sandbox must not pick up the portal's.
/// </summary>
public sealed record SandboxSettings
{
    /// <summary>The single URL Kestrel listens on, e.g. http://127.0.0.1:5081. Also the OIDC issuer.</summary>
    public required Uri Url { get; init; }

    /// <summary>
    /// Where Kestrel listens when that differs from <see cref="Url"/>: behind a TLS-terminating proxy (the production
    /// rehearsal) <see cref="Url"/> is the public https address and this the plain loopback one.
    /// </summary>
    public Uri? ListenUrl { get; init; }

    /// <summary>OIDC client the portal signs in with.</summary>
    public string ClientId { get; init; } = "rrr-portal";

    public string ClientSecret { get; init; } = "sandbox-portal-secret";

    /// <summary>Where the identity provider may send the browser back after sign-in (exact match).</summary>
    public IReadOnlyList<Uri> RedirectUris { get; init; } = [];

    /// <summary>Where the identity provider may send the browser after sign-out (exact match).</summary>
    public IReadOnlyList<Uri> PostLogoutRedirectUris { get; init; } = [];

    /// <summary>Folder for the sandbox's own files (ledger database).</summary>
    public string DataFolder { get; init; } = "data/sandbox";

    /// <summary>Bearer credential RRR API callers must present (the portal's <c>Rrr:ApiKey</c>).</summary>
    public string ApiKey { get; init; } = DevApiKey;

    /// <summary>Where webhooks are delivered (the portal's <c>/webhooks/rrr</c>); none when null.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary><c>whsec_</c> secrets; every delivery is signed with each of them (rotation).</summary>
    public IReadOnlyList<string> WebhookSecrets { get; init; } = [DevWebhookSecret];

    /// <summary>The portal's root for XCN's internal calls (<c>/internal/orders/*</c>); the purchase simulator is off when null.</summary>
    public Uri? PortalUrl { get; init; }

    /// <summary>The <c>X-Internal-Key</c> the purchase simulator sends (one of the portal's <c>Internal:ApiKeys</c>).</summary>
    public string PortalInternalKey { get; init; } = DevInternalKey;

    // Not secrets: the sandbox is refused in Production, and so are these values on the portal side.
    public const string DevApiKey = "sandbox-api-key";

    /// <summary>The portal's development <c>Internal:ApiKeys</c> value, sent by the sandbox as XCN's payment system.</summary>
    public const string DevInternalKey = "sandbox-internal-key";

    public const string DevWebhookSecret = "whsec_vT9Xhd6Li5MKugHzUNsf48qAVUEkCN50VsU70XmcORE=";
}
