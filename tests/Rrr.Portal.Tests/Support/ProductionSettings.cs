namespace Rrr.Portal.Tests.Support;

/// <summary>Real-looking (never the sandbox's published) settings a Production portal needs to start in tests.</summary>
public static class ProductionSettings
{
    // One throw-away key-protection certificate per test run: Production refuses unprotected data-protection keys.
    private static readonly Lazy<(string Certificate, string Key)> KeyProtection = new(() =>
        TestCertificates.WritePem(
            Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "rrr-tests-dp-" + Environment.ProcessId)).FullName, "dp"));

    public static IReadOnlyList<(string Key, string Value)> Values =>
    [
        ("Sandbox:Enabled", "false"),
        ("Rrr:BaseUrl", "https://rrr.example.test/"),
        ("Rrr:ApiKey", "prod-tests-rrr-api-key-0f3c9a7d5b1e48c2"),
        ("Webhooks:Secrets:0", "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray())),
        ("Internal:ApiKeys:0", "prod-tests-internal-key-6d2b8e0a4f1c4e97a3"),
        ("Oidc:ClientSecret", "prod-tests-oidc-client-secret-9b7e"),
        ("Approvals:ChainKey", ChainKey),
        ("DataProtection:CertificatePath", KeyProtection.Value.Certificate),
        ("DataProtection:CertificateKeyPath", KeyProtection.Value.Key),
    ];

    /// <summary>A fixed, non-development approval chain key (base64 of 32 bytes).</summary>
    public static string ChainKey { get; } = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(255 - i)).ToArray());
}
