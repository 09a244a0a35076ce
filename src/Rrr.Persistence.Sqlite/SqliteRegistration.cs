using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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

namespace Rrr.Persistence.Sqlite;

public static class SqliteRegistration
{
    // The class that implements each port in StorePorts.All; a port missing here fails at registration.
    private static readonly Dictionary<Type, Type> Implementations = new()
    {
        [typeof(IStoreLifecycle)] = typeof(SqliteDatabase),
        [typeof(IKeyRingStore)] = typeof(SqliteKeyRing),
        [typeof(IAuditStore)] = typeof(SqliteAuditStore),
        [typeof(IRrrCallLog)] = typeof(SqliteRrrCallLog),
        [typeof(IWebhookInbox)] = typeof(SqliteWebhookInbox),
        [typeof(IResourceVersions)] = typeof(SqliteResourceVersions),
        [typeof(IWalletSnapshotStore)] = typeof(SqliteWalletSnapshots),
        [typeof(ILinkSnapshotStore)] = typeof(SqliteLinkSnapshots),
        [typeof(IEarnOutbox)] = typeof(SqliteEarnOutbox),
        [typeof(IAwardHistoryStore)] = typeof(SqliteAwardHistory),
        [typeof(IApprovalStore)] = typeof(SqliteApprovalStore),
        [typeof(ICheckoutOrderStore)] = typeof(SqliteCheckoutOrders),
        [typeof(IOpenLinkIntentStore)] = typeof(SqliteOpenLinkIntents),
    };

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
        foreach (var port in StorePorts.All)
        {
            if (!Implementations.TryGetValue(port, out var implementation))
            {
                throw new InvalidOperationException($"The SQLite adapter has no class for the store port {port.Name}.");
            }

            services.TryAddSingleton(implementation);
            services.AddKeyedSingleton(port, StoreProvider.Sqlite, (sp, _) => sp.GetRequiredService(implementation));
        }

        return services;
    }
}
