using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Audit;
using Rrr.Core.Features.Awards;
using Rrr.Core.Features.Checkout;
using Rrr.Core.Features.Earn;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Features.Webhooks;
using Rrr.Core.Persistence;
using Rrr.Core.Rrr.Http;
using Rrr.Persistence.Mongo;
using Rrr.Persistence.Sqlite;

namespace Rrr.Portal.Hosting;

public static class PersistenceHosting
{
    /// <summary>
    /// Registers the store chosen by "Store:Provider" as one singleton behind
    /// <see cref="IStoreLifecycle"/>, <see cref="IKeyRingStore"/> and <see cref="IAuditStore"/>,
    /// plus <see cref="StoreXmlRepository"/> and the start-up <see cref="StoreInitializer"/>.
    /// </summary>
    public static IServiceCollection AddPortalStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StoreOptions>()
            .Bind(configuration.GetSection(StoreOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The client is registered on its own so DI disposes it (and its pool) at shutdown; it is
        // resolved only when the Mongo provider is chosen.
        services.TryAddSingleton<IMongoClient>(sp =>
            new MongoClient(sp.GetRequiredService<IOptions<StoreOptions>>().Value.MongoConnectionString));

        // The provider is read when the store is first resolved, not here, so options configured
        // after this call (tests, hosting overrides) still decide it.
        services.TryAddSingleton<IStoreLifecycle>(CreateStore);
        services.TryAddSingleton(sp => (IKeyRingStore)sp.GetRequiredService<IStoreLifecycle>());
        services.TryAddSingleton(sp => (IAuditStore)sp.GetRequiredService<IStoreLifecycle>());
        services.TryAddSingleton(sp => (IRrrCallLog)sp.GetRequiredService<IStoreLifecycle>());
        services.TryAddSingleton(sp => (IWebhookInbox)sp.GetRequiredService<IStoreLifecycle>());
        services.TryAddSingleton(sp => (IResourceVersions)sp.GetRequiredService<IStoreLifecycle>());
        services.TryAddSingleton(sp => (IWalletSnapshotStore)sp.GetRequiredService<IStoreLifecycle>());
        services.TryAddSingleton(sp => (ILinkSnapshotStore)sp.GetRequiredService<IStoreLifecycle>());
        services.TryAddSingleton(sp => (IEarnOutbox)sp.GetRequiredService<IStoreLifecycle>());
        services.TryAddSingleton(sp => (IAwardHistoryStore)sp.GetRequiredService<IStoreLifecycle>());
        services.TryAddSingleton(sp => (IApprovalStore)sp.GetRequiredService<IStoreLifecycle>());
        services.TryAddSingleton(sp => (ICheckoutOrderStore)sp.GetRequiredService<IStoreLifecycle>());
        services.TryAddSingleton(sp => (IOpenLinkIntentStore)sp.GetRequiredService<IStoreLifecycle>());
        services.TryAddSingleton<StoreXmlRepository>();
        services.AddHostedService<StoreInitializer>();
        return services;
    }

    /// <summary>
    /// Persists data-protection keys through <see cref="StoreXmlRepository"/>; needs
    /// <see cref="AddPortalStore"/>. Keys are stored unencrypted, as with the file-system default
    /// on Linux; add ProtectKeysWith* where the store itself is not trusted.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToPortalStore(this IDataProtectionBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<StoreXmlRepository>((options, repository) => options.XmlRepository = repository);
        return builder;
    }

    private static IStoreLifecycle CreateStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StoreOptions>>().Value;
        return options.Provider switch
        {
            StoreProvider.Mongo => new MongoStore(services.GetRequiredService<IMongoClient>(), options.MongoDatabase),
            _ => new SqliteStore(
                options.ResolveDataFolder(services.GetRequiredService<IHostEnvironment>().ContentRootPath),
                options.SqliteFileName),
        };
    }
}
