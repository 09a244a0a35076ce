using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using Rrr.Core.Persistence;

namespace Rrr.Persistence.Mongo;

public static class MongoRegistration
{
    /// <summary>
    /// Registers the MongoDB adapter's ports keyed by <see cref="StoreProvider.Mongo"/>; the host forwards
    /// each port to the provider its options name, so no client connects unless MongoDB is chosen.
    /// </summary>
    public static IServiceCollection AddMongoStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // The client is registered on its own so DI disposes it (and its pool) at shutdown.
        services.TryAddSingleton<IMongoClient>(sp =>
            new MongoClient(sp.GetRequiredService<IOptions<StoreOptions>>().Value.MongoConnectionString));
        services.TryAddSingleton(sp => new MongoStore(
            sp.GetRequiredService<IMongoClient>(),
            sp.GetRequiredService<IOptions<StoreOptions>>().Value.MongoDatabase));
        foreach (var port in StorePorts.All)
        {
            services.AddKeyedSingleton(port, StoreProvider.Mongo, (sp, _) => sp.GetRequiredService<MongoStore>());
        }

        return services;
    }
}
