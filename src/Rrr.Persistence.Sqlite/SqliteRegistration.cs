using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Rrr.Core.Persistence;

namespace Rrr.Persistence.Sqlite;

public static class SqliteRegistration
{
    /// <summary>
    /// Registers the SQLite adapter's ports keyed by <see cref="StoreProvider.Sqlite"/>; the host forwards
    /// each port to the provider its options name, so nothing is opened unless SQLite is chosen.
    /// </summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var folder = options.ResolveDataFolder(sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return new SqliteStore(folder, options.SqliteFileName);
        });
        foreach (var port in StorePorts.All)
        {
            services.AddKeyedSingleton(port, StoreProvider.Sqlite, (sp, _) => sp.GetRequiredService<SqliteStore>());
        }

        return services;
    }
}
