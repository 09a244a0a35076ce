using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rrr.Core.Features.Audit;
using Rrr.Core.Persistence;
using Rrr.Persistence.Sqlite;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Tests.Persistence;

public sealed class StoreRegistrationTests : IDisposable
{
    private readonly string contentRoot = Path.Combine(Path.GetTempPath(), "rrr-store-host-tests", Guid.NewGuid().ToString("N"));

    // The host requires an existing content root; the data folder below it is the store's to create.
    public StoreRegistrationTests() => Directory.CreateDirectory(contentRoot);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(contentRoot))
        {
            Directory.Delete(contentRoot, recursive: true);
        }
    }

    [Fact]
    public void AddPortalStore_ExposesOneAdapterAsEveryPort()
    {
        using var host = BuildHost();

        var lifecycle = host.Services.GetRequiredService<IStoreLifecycle>();

        // One adapter: the SQLite port classes, over the one database object that is also the lifecycle.
        Assert.Same(host.Services.GetRequiredService<SqliteDatabase>(), Assert.IsType<SqliteDatabase>(lifecycle));
        Assert.IsType<SqliteKeyRing>(host.Services.GetRequiredService<IKeyRingStore>());
        Assert.IsType<SqliteAuditStore>(host.Services.GetRequiredService<IAuditStore>());
    }

    [Fact]
    public async Task HostStart_CreatesTheSqliteFileUnderTheContentRoot()
    {
        using var host = BuildHost();

        await host.StartAsync(Ct);

        Assert.True(File.Exists(Path.Combine(contentRoot, "data", "portal.db")));
        Assert.True(await host.Services.GetRequiredService<IStoreLifecycle>().IsHealthyAsync(Ct));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task HostStart_WithMongoAndNoConnectionString_FailsNamingTheSetting()
    {
        using var host = BuildHost(new() { ["Store:Provider"] = "Mongo" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("Store:MongoConnectionString is required when Store:Provider is Mongo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PersistKeysToPortalStore_UsesTheStoreXmlRepository()
    {
        using var host = BuildHost(dataProtection: true);

        var options = host.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value;

        Assert.Same(host.Services.GetRequiredService<StoreXmlRepository>(), options.XmlRepository);
    }

    [Fact]
    public async Task ProtectedPayload_IsReadableAfterARestart_BecauseKeysLiveInTheStore()
    {
        string protectedPayload;
        using (var first = BuildHost(dataProtection: true))
        {
            await first.StartAsync(Ct);
            protectedPayload = Protector(first).Protect("session-cookie");
            await first.StopAsync(Ct);
        }

        using var second = BuildHost(dataProtection: true);
        await second.StartAsync(Ct);

        Assert.Equal("session-cookie", Protector(second).Unprotect(protectedPayload));
        var keys = await second.Services.GetRequiredService<IKeyRingStore>().GetAllAsync(Ct);
        Assert.StartsWith("key-", Assert.Single(keys).FriendlyName, StringComparison.Ordinal);
        await second.StopAsync(Ct);
    }

    [Fact]
    public async Task HostStart_WithDataProtectionAddedFirst_LoadsTheKeyRingWithoutErrors()
    {
        var errors = new ErrorCollector();
        using var host = BuildHost(dataProtection: true, errors: errors);

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);

        Assert.Empty(errors.Messages);
    }

    private static IDataProtector Protector(IHost host) =>
        host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests");

    private IHost BuildHost(
        Dictionary<string, string?>? settings = null, bool dataProtection = false, ErrorCollector? errors = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = contentRoot,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddLogging(logging =>
        {
            if (errors is not null)
            {
                logging.AddProvider(errors);
            }
        });

        // Registered before the store, as AddRazorComponents or AddAuthentication would be in the
        // portal: the initializer must still create the schema before data protection loads keys.
        if (dataProtection)
        {
            builder.Services.AddDataProtection().SetApplicationName("rrr-portal-tests").PersistKeysToPortalStore();
        }

        builder.Services.AddPortalStore(builder.Configuration);
        return builder.Build();
    }

    /// <summary>Collects error-level log lines, e.g. data protection failing to read the key ring.</summary>
    private sealed class ErrorCollector : ILoggerProvider, ILogger
    {
        public List<string> Messages { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lock (Messages)
                {
                    Messages.Add($"{formatter(state, exception)} {exception?.Message}");
                }
            }
        }

        public void Dispose()
        {
        }
    }
}
