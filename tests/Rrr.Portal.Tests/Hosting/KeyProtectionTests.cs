using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rrr.Core.Persistence;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Hosting;

/// <summary>Data-protection keys sit in the portal store; a certificate keeps a reader of the store from using them.</summary>
public sealed class KeyProtectionTests : IDisposable
{
    private const string Password = "test-only-password";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rrr-portal-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Data => Path.Combine(_folder, "data");

    [Fact]
    public async Task WithACertificate_StoredKeysAreEncrypted_AndReadableAfterARestart()
    {
        var pfx = TestCertificates.WritePfx(_folder, "dp-current", Password);
        (string, string)[] settings = [("DataProtection:CertificatePath", pfx), ("DataProtection:CertificatePassword", Password)];

        string protectedPayload;
        await using (var app = await StartAsync("Development", settings))
        {
            protectedPayload = Protector(app).Protect("admin cookie");
            var keys = app.Services.GetRequiredService<StoreXmlRepository>().GetAllElements();

            var key = Assert.Single(keys).ToString();
            Assert.Contains("encryptedSecret", key, StringComparison.Ordinal);
            Assert.DoesNotContain("masterKey", key, StringComparison.Ordinal);
        }

        await using var restarted = await StartAsync("Development", settings);
        Assert.Equal("admin cookie", Protector(restarted).Unprotect(protectedPayload));
    }

    [Fact]
    public async Task AfterRotation_KeysOfThePreviousCertificateStayReadable_AndTheStoreAloneIsNotEnough()
    {
        var old = TestCertificates.WritePfx(_folder, "dp-old", Password);
        var (newCertificate, newKey) = TestCertificates.WritePem(_folder, "dp-new");

        string protectedPayload;
        await using (var app = await StartAsync("Development", ("DataProtection:CertificatePath", old), ("DataProtection:CertificatePassword", Password)))
        {
            protectedPayload = Protector(app).Protect("admin cookie");
        }

        await using (var rotated = await StartAsync(
            "Development",
            ("DataProtection:CertificatePath", newCertificate),
            ("DataProtection:CertificateKeyPath", newKey),
            ("DataProtection:PreviousCertificates:0:Path", old),
            ("DataProtection:PreviousCertificates:0:Password", Password)))
        {
            Assert.Equal("admin cookie", Protector(rotated).Unprotect(protectedPayload));
        }

        // Someone with the store but not the old certificate cannot read the key, so cannot mint a cookie.
        await using var withoutOld = await StartAsync("Development", ("DataProtection:CertificatePath", newCertificate), ("DataProtection:CertificateKeyPath", newKey));
        Assert.ThrowsAny<CryptographicException>(() => Protector(withoutOld).Unprotect(protectedPayload));
    }

    [Fact]
    public async Task OutsideDevelopment_AKeyStoredInPlainText_IsNotUsed()
    {
        string protectedPayload;
        await using (var development = await StartAsync("Development"))
        {
            protectedPayload = Protector(development).Protect("admin cookie");
            Assert.Contains("masterKey", Keys(development), StringComparison.Ordinal);
        }

        var pfx = TestCertificates.WritePfx(_folder, "dp", Password);
        await using var staging = await StartAsync("Staging", [.. StagingSettings, ("DataProtection:CertificatePath", pfx), ("DataProtection:CertificatePassword", Password)]);

        // A cookie signed with the plain-text key (which anyone reading the store could have minted) is refused.
        Assert.ThrowsAny<CryptographicException>(() => Protector(staging).Unprotect(protectedPayload));
        var fresh = Protector(staging).Protect("x");
        Assert.Equal("x", Protector(staging).Unprotect(fresh));
        Assert.Contains("encryptedSecret", Keys(staging), StringComparison.Ordinal);
    }

    [Fact]
    public void Staging_WithoutACertificate_RefusesToStart_NamingTheSetting()
    {
        var message = StartupFailure.Of("Staging");

        Assert.Contains("DataProtection:CertificatePath is required outside Development (environment 'Staging')", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateThatDoesNotLoad_IsNamed_WithoutItsPassword()
    {
        var pfx = TestCertificates.WritePfx(_folder, "dp", Password);

        var wrongPassword = StartupFailure.Of("Staging", ("DataProtection:CertificatePath", pfx), ("DataProtection:CertificatePassword", "not-" + Password));
        var missing = StartupFailure.Of("Staging", ("DataProtection:CertificatePath", Path.Combine(_folder, "nope.pfx")));

        Assert.Contains("DataProtection:CertificatePath could not be loaded", wrongPassword, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, wrongPassword, StringComparison.Ordinal);
        Assert.Contains("DataProtection:CertificatePath names a file that does not exist", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staging_WithRealSettingsAndACertificate_Starts()
    {
        var pfx = TestCertificates.WritePfx(_folder, "dp", Password);

        await using var app = await StartAsync("Staging", [.. StagingSettings, ("DataProtection:CertificatePath", pfx), ("DataProtection:CertificatePassword", Password)]);

        Assert.Contains("encryptedSecret", Protect(app), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>Real settings for a non-Development start (the certificate is added per test).</summary>
    private static (string Key, string Value)[] StagingSettings =>
    [
        ("Oidc:Authority", "https://login.example.com/"),
        ("Oidc:ClientId", "portal"),
        ("Oidc:ClientSecret", "a-real-client-secret"),
        ("Rrr:BaseUrl", "https://rrr.example.com/"),
        ("Rrr:ApiKey", "a-real-rrr-key"),
        ("Internal:ApiKeys:0", new string('k', 40)),
        ("Webhooks:Secrets:0", "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
        ("Approvals:ChainKey", ProductionSettings.ChainKey),
    ];

    private static string Keys(RunningPortal app) =>
        string.Join('\n', app.Services.GetRequiredService<StoreXmlRepository>().GetAllElements().Select(e => e.ToString()));

    private static IDataProtector Protector(RunningPortal app) =>
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key-protection-tests");

    private static string Protect(RunningPortal app)
    {
        _ = Protector(app).Protect("x");
        return string.Join('\n', app.Services.GetRequiredService<StoreXmlRepository>().GetAllElements().Select(e => e.ToString()));
    }

    private async Task<RunningPortal> StartAsync(string environment, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var values = new Dictionary<string, string?>
        {
            ["Store:DataFolder"] = Data,
            ["Sandbox:Enabled"] = "false",
            ["Oidc:Authority"] = "https://login.example.com/",
            ["Oidc:ClientId"] = "portal",
            ["Oidc:ClientSecret"] = "s3cret",
            ["Rrr:BaseUrl"] = "http://rrr.example.test/",
            ["Rrr:ApiKey"] = "key",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.AddPortal();
        var app = builder.Build();
        app.UsePortal();
        await app.StartAsync(Ct);
        return new RunningPortal(app);
    }

    private sealed class RunningPortal(WebApplication app) : IAsyncDisposable
    {
        public IServiceProvider Services => app.Services;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }
}
