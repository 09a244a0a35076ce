using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Rrr.Persistence.Sqlite;

public static class SqliteRegistration
{
    /// <summary>
    /// Registers the SQLite adapter's ports keyed by <see cref="StoreProvider.Sqlite"/>, each a class of its own over
    /// the one <see cref="SqliteDatabase"/>; the host forwards each port to the provider its options name, so nothing
    /// is opened unless SQLite is chosen.
    /// </summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var folder = options.ResolveDataFolder(sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return new SqliteDatabase(folder, options.SqliteFileName);
        });
        services.AddStorePorts(StoreProvider.Sqlite, typeof(SqliteRegistration).Assembly);
        return services;
    }
}
