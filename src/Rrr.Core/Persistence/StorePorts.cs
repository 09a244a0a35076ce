using System.Reflection;

namespace Rrr.Core.Persistence;

/// <summary>
/// Every port a store adapter implements. Each adapter registers all of them keyed by its
/// <see cref="StoreProvider"/>, and the host resolves each from the provider the options choose.
/// </summary>
public static class StorePorts
{
    public static IReadOnlyList<Type> All { get; } =
    [
        typeof(IStoreLifecycle),
        typeof(IKeyRingStore),
        typeof(IAuditStore),
        typeof(IRrrCallLog),
        typeof(IWebhookInbox),
        typeof(IResourceVersions),
        typeof(IWalletSnapshotStore),
        typeof(ILinkSnapshotStore),
        typeof(IEarnOutbox),
        typeof(IAwardHistoryStore),
        typeof(IApprovalStore),
        typeof(ICheckoutOrderStore),
        typeof(IOpenLinkIntentStore),
        typeof(INotificationStore),
    ];

    /// <summary>
    /// Registers the adapter assembly <paramref name="adapter"/>: its port classes are its public classes that
    /// implement a port of <see cref="All"/>, so an adapter keeps no list of them beside its classes.
    /// </summary>
    public static IServiceCollection AddStorePorts(this IServiceCollection services, StoreProvider provider, Assembly adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        return services.AddStorePorts(
            provider, [.. adapter.GetExportedTypes().Where(t => t.IsClass && !t.IsAbstract && All.Any(port => port.IsAssignableFrom(t)))]);
    }

    /// <summary>
    /// Registers an adapter: each of its <paramref name="classes"/> once (singletons over the adapter's shared
    /// database object), and every port of <see cref="All"/> keyed by <paramref name="provider"/> as the class that
    /// implements it. A port no class implements fails here, at start-up, not on its first use.
    /// </summary>
    public static IServiceCollection AddStorePorts(this IServiceCollection services, StoreProvider provider, params Type[] classes)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(classes);
        foreach (var portClass in classes)
        {
            services.TryAddSingleton(portClass);
        }

        foreach (var port in All)
        {
            var portClass = Array.Find(classes, port.IsAssignableFrom)
                ?? throw new InvalidOperationException($"The {provider} adapter has no class for the store port {port.Name}.");
            services.AddKeyedSingleton(port, provider, (sp, _) => sp.GetRequiredService(portClass));
        }

        return services;
    }
}
