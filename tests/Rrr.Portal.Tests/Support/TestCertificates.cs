using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rrr.Portal.Tests.Support;

/// <summary>Throw-away RSA certificates made in code, written to a test folder: no private key is ever committed.</summary>
internal static class TestCertificates
{
    public static string WritePfx(string folder, string name, string password)
    {
        using var certificate = Create(name);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    public static (string CertificatePath, string KeyPath) WritePem(string folder, string name)
    {
        using var certificate = Create(name);
        Directory.CreateDirectory(folder);
        var certificatePath = Path.Combine(folder, name + ".crt.pem");
        var keyPath = Path.Combine(folder, name + ".key.pem");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using var rsa = certificate.GetRSAPrivateKey()!;
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    private static X509Certificate2 Create(string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=rrr-portal tests {name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }
}
