using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

        Port<IStoreLifecycle>(services, sp => sp.GetRequiredService<MongoDatabaseContext>());
        Port<IKeyRingStore>(services, sp => new MongoKeyRing(Context(sp)));
        Port<IAuditStore>(services, sp => new MongoAuditStore(Context(sp)));
        Port<IRrrCallLog>(services, sp => new MongoRrrCallLog(Context(sp)));
        Port<IWebhookInbox>(services, sp => new MongoWebhookInbox(Context(sp)));
        Port<IResourceVersions>(services, sp => new MongoResourceVersions(Context(sp)));
        Port<IWalletSnapshotStore>(services, sp => new MongoWalletSnapshots(Context(sp)));
        Port<ILinkSnapshotStore>(services, sp => new MongoLinkSnapshots(Context(sp)));
        Port<IEarnOutbox>(services, sp => new MongoEarnOutbox(Context(sp)));
        Port<IAwardHistoryStore>(services, sp => new MongoAwardHistory(Context(sp)));
        Port<IApprovalStore>(services, sp => new MongoApprovalStore(Context(sp)));
        Port<ICheckoutOrderStore>(services, sp => new MongoCheckoutOrders(Context(sp)));
        Port<IOpenLinkIntentStore>(services, sp => new MongoOpenLinkIntents(Context(sp)));
        return services;
    }

    private static MongoDatabaseContext Context(IServiceProvider services) => services.GetRequiredService<MongoDatabaseContext>();

    private static void Port<TPort>(IServiceCollection services, Func<IServiceProvider, TPort> create)
        where TPort : class =>
        services.AddKeyedSingleton(StoreProvider.Mongo, (sp, _) => create(sp));
}
