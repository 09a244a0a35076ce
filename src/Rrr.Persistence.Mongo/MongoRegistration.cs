using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// <summary>Every port of <see cref="StorePorts.All"/> and its class; the context itself is the lifecycle.</summary>
    private static readonly (Type Port, Func<MongoDatabaseContext, object> Create)[] Ports =
    [
        (typeof(IStoreLifecycle), context => context),
        (typeof(IKeyRingStore), context => new MongoKeyRing(context)),
        (typeof(IAuditStore), context => new MongoAuditStore(context)),
        (typeof(IRrrCallLog), context => new MongoRrrCallLog(context)),
        (typeof(IWebhookInbox), context => new MongoWebhookInbox(context)),
        (typeof(IResourceVersions), context => new MongoResourceVersions(context)),
        (typeof(IWalletSnapshotStore), context => new MongoWalletSnapshots(context)),
        (typeof(ILinkSnapshotStore), context => new MongoLinkSnapshots(context)),
        (typeof(IEarnOutbox), context => new MongoEarnOutbox(context)),
        (typeof(IAwardHistoryStore), context => new MongoAwardHistory(context)),
        (typeof(IApprovalStore), context => new MongoApprovalStore(context)),
        (typeof(ICheckoutOrderStore), context => new MongoCheckoutOrders(context)),
        (typeof(IOpenLinkIntentStore), context => new MongoOpenLinkIntents(context)),
    ];

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

        foreach (var (port, create) in Ports)
        {
            services.AddKeyedSingleton(port, StoreProvider.Mongo, (sp, _) => create(sp.GetRequiredService<MongoDatabaseContext>()));
        }

        return services;
    }
}
