using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Audit;
using Rrr.Core.Features.Awards;
using Rrr.Core.Features.Checkout;
using Rrr.Core.Features.Earn;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Features.Webhooks;
using Rrr.Core.Rrr.Http;

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
    ];
}
