using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Rrr.Portal.Hosting;

public static class PersistenceHosting
{
    /// <summary>
    /// Registers every store port (<see cref="StorePorts"/>) from the adapter chosen by "Store:Provider",
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

        // Each adapter registers its ports keyed by provider. The provider is read when a port is first
        // resolved, not here, so options configured after this call (tests, hosting overrides) still decide it.
        services.AddSqliteStore();
        services.AddMongoStore();
        foreach (var port in StorePorts.All)
        {
            services.TryAdd(ServiceDescriptor.Singleton(port, sp => sp.GetRequiredKeyedService(port, ChosenProvider(sp))));
        }

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

    private static StoreProvider ChosenProvider(IServiceProvider services) =>
        services.GetRequiredService<IOptions<StoreOptions>>().Value.Provider;
}
