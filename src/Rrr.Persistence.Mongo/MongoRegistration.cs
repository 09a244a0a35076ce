using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Rrr.Persistence.Mongo;

public static class MongoRegistration
{
    /// <summary>
    /// Registers the MongoDB adapter's ports keyed by <see cref="StoreProvider.Mongo"/>, one class per port over
    /// one <see cref="MongoDatabaseContext"/>; the host forwards each port to the provider its options name, so
    /// no client connects unless MongoDB is chosen.
    /// </summary>
    public static IServiceCollection AddMongoStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // The client is registered on its own so DI disposes it (and its pool) at shutdown.
        services.TryAddSingleton<IMongoClient>(sp =>
            new MongoClient(sp.GetRequiredService<IOptions<StoreOptions>>().Value.MongoConnectionString));
        services.TryAddSingleton(sp => new MongoDatabaseContext(
            sp.GetRequiredService<IMongoClient>(),
            sp.GetRequiredService<IOptions<StoreOptions>>().Value.MongoDatabase,
            sp.GetService<IOptions<WebhookProcessorOptions>>()?.Value.Retention));

        services.AddStorePorts(StoreProvider.Mongo, typeof(MongoRegistration).Assembly);
        return services;
    }
}
