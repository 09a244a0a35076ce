namespace Rrr.Core.Features.Wallet;

/// <summary>
/// RRR changed a member's wallet (<see cref="Cause"/>, an applied webhook), with the wallet as it is now:
/// read once by <see cref="WalletSync"/> for every circuit that shows the member, or found stored at the
/// announced version. <see cref="Wallet"/> is null when RRR could not be read; a panel then reads it itself
/// and shows the outage as on first load.
/// </summary>
public sealed record WalletUpdated(string RrrMemberId, RrrEvent Cause, MemberWallet? Wallet, DateTimeOffset? FetchedAt) : IPortalMessage
{
    /// <summary>The wallet changes of one RRR member (the points panels that show that member).</summary>
    public static PortalTopic<WalletUpdated> Of(string rrrMemberId) => new("wallet.changed", rrrMemberId);

    public IEnumerable<PortalTopicKey> Topics() => [Of(RrrMemberId).Key];
}

/// <summary>
/// Keeps the shown wallets current. Webhooks carry changes, not balances, so after RRR announces a change to
/// a wallet that a circuit on this instance shows, this reads that wallet from RRR once (however many tabs
/// show it; a burst of events for one member is one read), stores it, and publishes <see cref="WalletUpdated"/>
/// with the numbers: an open points panel renders them without asking RRR or the store itself. A wallet the
/// store already holds at the announced version (another instance read it) is not read again, and a member
/// nobody here looks at costs nothing. The event handler only queues, since handlers run on the webhook
/// processor's thread; the RRR client and the store are resolved when the first event arrives, after start-up
/// validation, as <see cref="RrrStatusListener"/> does.
/// </summary>
public sealed partial class WalletSync(IPortalEvents events, IServiceProvider services, TimeProvider time, ILogger<WalletSync> logger)
    : BusListener<WalletSync.Change>(events, logger)
{
    /// <summary>The RRR events after which a wallet reads differently.</summary>
    public static IReadOnlyList<string> EventTypes { get; } =
    [
        RrrEventTypes.PointsPosted, RrrEventTypes.PointsReversed, RrrEventTypes.RedemptionCommitted,
        RrrEventTypes.RedemptionReversed, RrrEventTypes.TransferCompleted, RrrEventTypes.TransferReversed,
    ];

    public static bool Follows(string eventType) => EventTypes.Contains(eventType);

    protected override IEnumerable<IDisposable> Subscribe(IPortalEvents bus) =>
        [.. EventTypes.Select(type => bus.Subscribe(RrrTopic.OfType(type), OnEvent))];

    protected override async Task HandleAsync(IReadOnlyList<Change> batch, CancellationToken cancellationToken)
    {
        foreach (var member in batch.GroupBy(c => c.RrrMemberId, StringComparer.Ordinal))
        {
            await SyncAsync(member.Key, [.. member], cancellationToken);
        }
    }

    internal void OnEvent(RrrEvent rrrEvent)
    {
        // The wallet the event versions, and the member it names when that is someone else (a transfer's sender).
        var owner = rrrEvent.ResourceType == "wallet" && rrrEvent.ResourceId is { Length: > 0 } id ? id : null;
        if (owner is not null && IsShown(owner))
        {
            Enqueue(new Change(owner, rrrEvent.Version, rrrEvent));
        }

        if (rrrEvent.RrrMemberId is { Length: > 0 } member && member != owner && IsShown(member))
        {
            Enqueue(new Change(member, null, rrrEvent));
        }
    }

    private async Task SyncAsync(string rrrMemberId, IReadOnlyList<Change> changes, CancellationToken cancellationToken)
    {
        // The last panel may have closed while the change waited.
        if (!IsShown(rrrMemberId))
        {
            return;
        }

        // Every change must be covered: one without a version of this wallet can only be answered by RRR.
        var wanted = changes.All(c => c.Version is not null) ? changes.Max(c => c.Version) : null;
        var current = await CurrentAsync(rrrMemberId, wanted, cancellationToken);
        var wallet = current?.ToWallet();
        foreach (var change in changes)
        {
            Events.Publish(new WalletUpdated(rrrMemberId, change.Cause, wallet, current?.FetchedAt));
        }
    }

    /// <summary>The stored wallet when it is at <paramref name="wanted"/> or later, else RRR's (then stored); null when RRR cannot say.</summary>
    private async Task<WalletSnapshot?> CurrentAsync(string rrrMemberId, long? wanted, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IWalletSnapshotStore>();
        if (wanted is { } version
            && await TryStoreAsync(() => store.GetWalletSnapshotAsync(rrrMemberId, cancellationToken), rrrMemberId) is { } stored
            && stored.Version >= version)
        {
            return stored;
        }

        WalletSnapshot fresh;
        try
        {
            var wallet = await services.GetRequiredService<IRrrWalletApi>().GetWalletAsync(rrrMemberId, cancellationToken);
            fresh = WalletSnapshot.Of(wallet, time.GetUtcNow());
        }
#pragma warning disable CA1031 // whatever failed (outage, refusal, timeout), the panels fall back to their own read
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogReadFailed(Logger, rrrMemberId, ex.GetType().Name);
            return null;
        }

        // The store is the shortcut for the next reader; RRR's answer is shown even when it cannot be kept.
        return await TryStoreAsync(() => store.RememberAsync(fresh, cancellationToken), rrrMemberId) ?? fresh;
    }

    private async Task<T?> TryStoreAsync<T>(Func<Task<T>> call, string rrrMemberId)
        where T : class?
    {
        try
        {
            return await call();
        }
#pragma warning disable CA1031 // a store hiccup must not hide RRR's answer from the open panels
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogStoreFailed(Logger, rrrMemberId, ex.GetType().Name);
            return null;
        }
    }

    private bool IsShown(string rrrMemberId) => Events.HasSubscribers(WalletUpdated.Of(rrrMemberId).Key);

    /// <summary>A wallet to bring up to date: its member, the version an event announced (null when unknown), and the event.</summary>
    public sealed record Change(string RrrMemberId, long? Version, RrrEvent Cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wallet of {RrrMemberId} changed but RRR could not be read ({ErrorClass}); its panels will ask")]
    private static partial void LogReadFailed(ILogger logger, string rrrMemberId, string errorClass);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored wallet of {RrrMemberId} unreadable or not kept ({ErrorClass})")]
    private static partial void LogStoreFailed(ILogger logger, string rrrMemberId, string errorClass);
}
