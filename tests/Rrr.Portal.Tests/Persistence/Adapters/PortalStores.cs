using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Audit;
using Rrr.Core.Features.Awards;
using Rrr.Core.Features.Checkout;
using Rrr.Core.Features.Earn;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Notifications;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Features.Webhooks;
using Rrr.Core.Persistence;
using Rrr.Core.Rrr.Http;

namespace Rrr.Portal.Tests.Persistence.Adapters;

/// <summary>Every store port of one adapter instance, as the host's composition would resolve them.</summary>
public sealed record PortalStores(
    IStoreLifecycle Lifecycle,
    IKeyRingStore Keys,
    IAuditStore Audit,
    IRrrCallLog Calls,
    IWebhookInbox Inbox,
    IResourceVersions Versions,
    IWalletSnapshotStore Wallets,
    ILinkSnapshotStore Links,
    IEarnOutbox Outbox,
    IAwardHistoryStore Awards,
    IApprovalStore Approvals,
    ICheckoutOrderStore Orders,
    IOpenLinkIntentStore Intents,
    INotificationStore Notifications);
