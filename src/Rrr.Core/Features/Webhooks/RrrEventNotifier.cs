using Microsoft.Extensions.Logging;

namespace Rrr.Core.Features.Webhooks;

public enum RrrTopicKind
{
    /// <summary>Every applied event (admin screens).</summary>
    All,
    Member,
    XcnUser,
    Promotion,
}

/// <summary>What a subscriber listens to: one RRR member, one XCN user, one promotion, or everything.</summary>
public readonly record struct RrrTopic(RrrTopicKind Kind, string Id)
{
    public static readonly RrrTopic All = new(RrrTopicKind.All, "");

    public static RrrTopic Member(string rrrMemberId) => new(RrrTopicKind.Member, rrrMemberId);

    public static RrrTopic XcnUser(string xcnUserId) => new(RrrTopicKind.XcnUser, xcnUserId);

    public static RrrTopic Promotion(string promotionId) => new(RrrTopicKind.Promotion, promotionId);
}

/// <summary>
/// In-process pub/sub of applied RRR events, so open circuits update live. Handlers run on the
/// publisher's thread and must be quick (a Blazor component hands over with InvokeAsync). A
/// scale-out deployment puts a backplane behind this seam.
/// </summary>
public interface IRrrEventNotifier
{
    /// <summary>Starts delivering events of <paramref name="topic"/>; dispose the result to stop.</summary>
    IDisposable Subscribe(RrrTopic topic, Action<RrrEvent> handler);

    /// <summary>Delivers the event to the subscribers of every topic it concerns, each handler once.</summary>
    void Publish(RrrEvent rrrEvent);
}

public sealed partial class RrrEventNotifier(ILogger<RrrEventNotifier> logger) : IRrrEventNotifier
{
    private readonly Lock gate = new();

    // Copy-on-write arrays: publishing reads a snapshot without the lock, and a handler that
    // unsubscribes itself while being called cannot disturb the loop.
    private readonly Dictionary<RrrTopic, Subscription[]> subscriptions = [];

    public IDisposable Subscribe(RrrTopic topic, Action<RrrEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, topic, handler);
        lock (gate)
        {
            subscriptions[topic] = subscriptions.TryGetValue(topic, out var current) ? [.. current, subscription] : [subscription];
        }

        return subscription;
    }

    public void Publish(RrrEvent rrrEvent)
    {
        ArgumentNullException.ThrowIfNull(rrrEvent);
        var delivered = new HashSet<Subscription>(ReferenceEqualityComparer.Instance);
        foreach (var topic in TopicsOf(rrrEvent))
        {
            Subscription[]? targets;
            lock (gate)
            {
                subscriptions.TryGetValue(topic, out targets);
            }

            foreach (var subscription in targets ?? [])
            {
                // One event can name the same subscriber twice (member and counterparty); once is enough.
                if (!delivered.Add(subscription) || subscription.IsDisposed)
                {
                    continue;
                }

                try
                {
                    subscription.Handler(rrrEvent);
                }
#pragma warning disable CA1031 // one broken subscriber (a closed circuit) must not stop the others or the processor
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogHandlerFailed(logger, ex.GetType().Name, rrrEvent.Id);
                }
            }
        }
    }

    internal static IEnumerable<RrrTopic> TopicsOf(RrrEvent rrrEvent)
    {
        yield return RrrTopic.All;
        if (rrrEvent.RrrMemberId is { Length: > 0 } member)
        {
            yield return RrrTopic.Member(member);
        }

        if (rrrEvent.ResourceType == "wallet" && rrrEvent.ResourceId is { Length: > 0 } walletOwner && walletOwner != rrrEvent.RrrMemberId)
        {
            yield return RrrTopic.Member(walletOwner);
        }

        if (rrrEvent.XcnUserId is { Length: > 0 } user)
        {
            yield return RrrTopic.XcnUser(user);
        }

        if (rrrEvent.PromotionId is { Length: > 0 } promotion)
        {
            yield return RrrTopic.Promotion(promotion);
        }
        else if (rrrEvent.ResourceType == "promotion" && rrrEvent.ResourceId is { Length: > 0 } promotionResource)
        {
            yield return RrrTopic.Promotion(promotionResource);
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (gate)
        {
            if (!subscriptions.TryGetValue(subscription.Topic, out var current))
            {
                return;
            }

            var remaining = Array.FindAll(current, s => !ReferenceEquals(s, subscription));
            if (remaining.Length == 0)
            {
                subscriptions.Remove(subscription.Topic);
            }
            else
            {
                subscriptions[subscription.Topic] = remaining;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RRR event subscriber failed ({ErrorClass}) for event {EventId}")]
    private static partial void LogHandlerFailed(ILogger logger, string errorClass, string eventId);

    private sealed class Subscription(RrrEventNotifier owner, RrrTopic topic, Action<RrrEvent> handler) : IDisposable
    {
        private int disposed;

        public RrrTopic Topic { get; } = topic;

        public Action<RrrEvent> Handler { get; } = handler;

        public bool IsDisposed => Volatile.Read(ref disposed) == 1;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Remove(this);
            }
        }
    }
}
