using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Rrr.Portal.Hosting;

/// <summary>
/// The certificate that encrypts data-protection keys at rest. Bound from "DataProtection". The keys live
/// in the portal store next to the data; without this, anyone who can read the store can mint an admin cookie.
/// </summary>
public sealed class KeyProtectionOptions
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 file (.pfx/.p12) or a PEM certificate (with <see cref="CertificateKeyPath"/>); needs its private key.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of the PKCS#12 file, or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key when <see cref="CertificatePath"/> is a PEM certificate.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>
    /// Earlier certificates, for rotation: keys they encrypted stay readable, new keys use the current one.
    /// Remove one once every key it protected has expired (90 days by default).
    /// </summary>
    public IList<KeyProtectionCertificate> PreviousCertificates { get; set; } = [];
}

public sealed class KeyProtectionCertificate
{
    public string? Path { get; set; }

    public string? Password { get; set; }

    public string? KeyPath { get; set; }
}

/// <summary>What was loaded when the app was composed, and what went wrong, for the validator to report.</summary>
internal sealed record KeyProtectionCertificates(X509Certificate2? Current, IReadOnlyList<X509Certificate2> Previous, IReadOnlyList<string> Problems);

internal static class DataProtectionHosting
{
    /// <summary>
    /// Keys in the portal store (restarts and instances share sessions), encrypted with the configured certificate.
    /// The certificates are loaded here, while composing, because the framework only takes certificate
    /// instances; a file that does not load is reported by options validation, naming the setting.
    /// </summary>
    public static IServiceCollection AddPortalDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(KeyProtectionOptions.Section).Get<KeyProtectionOptions>() ?? new KeyProtectionOptions();
        var certificates = Load(settings);
        services.AddSingleton(certificates);
        services.AddOptions<KeyProtectionOptions>().BindConfiguration(KeyProtectionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyProtectionOptions>, KeyProtectionOptionsValidator>();

        var dataProtection = services.AddDataProtection().SetApplicationName("rrr-portal").PersistKeysToPortalStore();
        if (certificates.Current is { } current)
        {
            dataProtection.ProtectKeysWithCertificate(current);
        }

        // The current certificate decrypts too (ProtectKeysWithCertificate adds it); previous ones only decrypt.
        if (certificates.Previous.Count > 0)
        {
            dataProtection.UnprotectKeysWithAnyCertificate([.. certificates.Previous]);
        }

        // After PersistKeysToPortalStore's Configure, so it wraps the store repository.
        services.AddOptions<KeyManagementOptions>().PostConfigure<IHostEnvironment, ILoggerFactory>((options, environment, loggers) =>
        {
            if (!DevelopmentOnly.Allows(environment) && options.XmlRepository is { } repository)
            {
                options.XmlRepository = new EncryptedKeysOnlyRepository(repository, loggers.CreateLogger<EncryptedKeysOnlyRepository>());
            }
        });

        return services;
    }

    private static KeyProtectionCertificates Load(KeyProtectionOptions settings)
    {
        var problems = new List<string>();
        X509Certificate2? current = null;
        if (!string.IsNullOrWhiteSpace(settings.CertificatePath))
        {
            current = TryLoad($"{KeyProtectionOptions.Section}:CertificatePath", settings.CertificatePath, settings.CertificatePassword, settings.CertificateKeyPath, problems);
        }

        var previous = new List<X509Certificate2>();
        for (var i = 0; i < settings.PreviousCertificates.Count; i++)
        {
            var entry = settings.PreviousCertificates[i];
            var setting = $"{KeyProtectionOptions.Section}:PreviousCertificates:{i}:Path";
            if (string.IsNullOrWhiteSpace(entry.Path))
            {
                problems.Add($"{setting} is required for each previous certificate.");
            }
            else if (TryLoad(setting, entry.Path, entry.Password, entry.KeyPath, problems) is { } loaded)
            {
                previous.Add(loaded);
            }
        }

        return new KeyProtectionCertificates(current, previous, problems);
    }

    private static X509Certificate2? TryLoad(string setting, string path, string? password, string? keyPath, List<string> problems)
    {
        if (!File.Exists(path))
        {
            problems.Add($"{setting} names a file that does not exist.");
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = IsPem(path, keyPath)
                ? string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The exception text can quote file contents; say only what kind of failure it was.
            problems.Add($"{setting} could not be loaded as a certificate with its private key ({ex.GetType().Name}); check the file and its password.");
            return null;
        }

        // Key transport in EncryptedXml is RSA; without the private key the portal could not read its own keys back.
        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is null)
        {
            problems.Add($"{setting} must be an RSA certificate with its private key.");
            certificate.Dispose();
            return null;
        }

        return certificate;
    }

    private static bool IsPem(string path, string? keyPath) =>
        !string.IsNullOrWhiteSpace(keyPath)
        || path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Outside Development the keys must be encrypted: no certificate, no start. Messages name settings, never paths' contents or passwords.</summary>
internal sealed class KeyProtectionOptionsValidator(IHostEnvironment environment, KeyProtectionCertificates certificates)
    : IValidateOptions<KeyProtectionOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyProtectionOptions options)
    {
        var failures = new List<string>(certificates.Problems);
        if (!DevelopmentOnly.Allows(environment) && string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            failures.Add(
                $"{KeyProtectionOptions.Section}:CertificatePath is required {DevelopmentOnly.Outside(environment)}: "
                + "data-protection keys are stored in the portal store and must be encrypted with a certificate "
                + $"({KeyProtectionOptions.Section}:CertificatePassword for a .pfx, or {KeyProtectionOptions.Section}:CertificateKeyPath for PEM).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Outside Development a key whose master key sits in the store in plain text (written before a certificate
/// was configured, or planted by someone who can write to the store) is not used: cookies it signed stop
/// working and the key manager makes a new, encrypted key.
/// </summary>
internal sealed partial class EncryptedKeysOnlyRepository(IXmlRepository inner, ILogger<EncryptedKeysOnlyRepository> logger) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var elements = inner.GetAllElements();
        var kept = new List<XElement>(elements.Count);
        foreach (var element in elements)
        {
            if (IsPlainTextKey(element))
            {
                LogPlainTextKeyIgnored(logger, element.Attribute("id")?.Value ?? "?");
                continue;
            }

            kept.Add(element);
        }

        return kept;
    }

    public void StoreElement(XElement element, string friendlyName) => inner.StoreElement(element, friendlyName);

    /// <summary>An unencrypted descriptor carries its secret in a <c>masterKey</c> element; an encrypted one in <c>encryptedSecret</c>.</summary>
    internal static bool IsPlainTextKey(XElement element) =>
        element.Name.LocalName == "key" && element.Descendants().Any(e => e.Name.LocalName == "masterKey");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Data-protection key {KeyId} is stored unencrypted and is ignored outside Development")]
    private static partial void LogPlainTextKeyIgnored(ILogger logger, string keyId);
}
