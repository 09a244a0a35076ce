namespace Rrr.Core.Features;

/// <summary>The untyped name of a topic: what a subscription is filed under and what a message lists.</summary>
public readonly record struct PortalTopicKey(string Name, string Id);

/// <summary>
/// A topic that carries <typeparamref name="TMessage"/> only, so a subscriber's handler is typed. Each
/// message type declares its own topics next to it (e.g. <c>RrrTopic.Member</c>, <c>PromotionChanged.Any</c>).
/// </summary>
public readonly record struct PortalTopic<TMessage>(PortalTopicKey Key)
    where TMessage : class, IPortalMessage
{
    public PortalTopic(string name, string id)
        : this(new PortalTopicKey(name, id))
    {
    }
}

/// <summary>
/// A message on the app-wide bus. Messages are plain records of opaque ids and codes (no delegates, no
/// names or e-mails), so a store-backed feed can carry them between instances as they are.
/// </summary>
public interface IPortalMessage
{
    /// <summary>Every topic this message is delivered on (a method, so serializing the record leaves it out).</summary>
    IEnumerable<PortalTopicKey> Topics();
}

/// <summary>
/// The one app-wide bus: RRR events the webhook processor applied and portal-side changes (a promotion, an
/// adjustment request). In-process on one instance; the scale-out step puts a store-backed feed behind this
/// seam. Handlers run on the publisher's thread and must be quick (a component hands over with InvokeAsync).
/// Components subscribe through <see cref="CircuitEvents"/>, so one circuit holds one subscription per topic.
/// </summary>
public interface IPortalEvents
{
    /// <summary>Starts delivering <paramref name="topic"/>'s messages to <paramref name="handler"/>; dispose the result to stop.</summary>
    IDisposable Subscribe<TMessage>(PortalTopic<TMessage> topic, Action<TMessage> handler)
        where TMessage : class, IPortalMessage;

    /// <summary>Delivers the message to the subscribers of every topic it lists, each subscription once.</summary>
    void Publish<TMessage>(TMessage message)
        where TMessage : class, IPortalMessage;

    /// <summary>Whether anyone on this instance follows <paramref name="topic"/> now (so work for no one can be skipped).</summary>
    bool HasSubscribers(PortalTopicKey topic);
}

public sealed partial class PortalEvents(ILogger<PortalEvents> logger) : IPortalEvents
{
    /// <summary>The bus (one per process) and each circuit's view of it; every feature that publishes or follows calls this.</summary>
    public static void AddTo(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IPortalEvents, PortalEvents>();
        services.TryAddScoped<CircuitEvents>();
    }

    private readonly Lock gate = new();

    // Copy-on-write arrays: publishing reads a snapshot without the lock, and a handler that
    // unsubscribes itself while being called cannot disturb the loop.
    private readonly Dictionary<PortalTopicKey, Subscription[]> subscriptions = [];

    public IDisposable Subscribe<TMessage>(PortalTopic<TMessage> topic, Action<TMessage> handler)
        where TMessage : class, IPortalMessage
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, topic.Key, message =>
        {
            // A topic name belongs to one message type; a stray type on it is not this handler's to see.
            if (message is TMessage typed)
            {
                handler(typed);
            }
        });
        lock (gate)
        {
            subscriptions[topic.Key] = subscriptions.TryGetValue(topic.Key, out var current) ? [.. current, subscription] : [subscription];
        }

        return subscription;
    }

    public void Publish<TMessage>(TMessage message)
        where TMessage : class, IPortalMessage
    {
        ArgumentNullException.ThrowIfNull(message);
        HashSet<Subscription>? delivered = null;
        foreach (var topic in message.Topics())
        {
            Subscription[]? targets;
            lock (gate)
            {
                subscriptions.TryGetValue(topic, out targets);
            }

            foreach (var subscription in targets ?? [])
            {
                // One message can name the same subscriber twice (member and counterparty); once is enough.
                delivered ??= new HashSet<Subscription>(ReferenceEqualityComparer.Instance);
                if (!delivered.Add(subscription) || subscription.IsDisposed)
                {
                    continue;
                }

                try
                {
                    subscription.Handler(message);
                }
#pragma warning disable CA1031 // one broken subscriber (a closed circuit) must not stop the others or the publisher
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogHandlerFailed(logger, ex.GetType().Name, message.GetType().Name, topic.Name);
                }
            }
        }
    }

    public bool HasSubscribers(PortalTopicKey topic) => SubscriberCount(topic) > 0;

    /// <summary>How many subscriptions <paramref name="topic"/> has now (tests, diagnostics).</summary>
    public int SubscriberCount(PortalTopicKey topic)
    {
        lock (gate)
        {
            return subscriptions.TryGetValue(topic, out var current) ? current.Length : 0;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Portal event subscriber failed ({ErrorClass}) for a {MessageType} on {Topic}")]
    private static partial void LogHandlerFailed(ILogger logger, string errorClass, string messageType, string topic);

    private sealed class Subscription(PortalEvents owner, PortalTopicKey topic, Action<IPortalMessage> handler) : IDisposable
    {
        private int disposed;

        public PortalTopicKey Topic { get; } = topic;

        public Action<IPortalMessage> Handler { get; } = handler;

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

/// <summary>
/// One circuit's (one DI scope's) view of the bus: the components of a circuit that follow the same topic
/// (the app bar's link chip and the points panel both follow the member) share one subscription on the
/// bus, fanned out here. The bus subscription ends with the last local one, or with the circuit.
/// </summary>
public sealed class CircuitEvents(IPortalEvents events) : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<PortalTopicKey, Shared> shared = [];
    private bool disposed;

    public IDisposable Subscribe<TMessage>(PortalTopic<TMessage> topic, Action<TMessage> handler)
        where TMessage : class, IPortalMessage
    {
        ArgumentNullException.ThrowIfNull(handler);
        Action<IPortalMessage> local = message => handler((TMessage)message);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!shared.TryGetValue(topic.Key, out var entry))
            {
                entry = new Shared();
                entry.Upstream = events.Subscribe(topic, message => Deliver(entry, message));
                shared[topic.Key] = entry;
            }

            entry.Handlers = [.. entry.Handlers, local];
        }

        return new Local(this, topic.Key, local);
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            foreach (var entry in shared.Values)
            {
                entry.Upstream?.Dispose();
            }

            shared.Clear();
        }
    }

    private static void Deliver(Shared entry, IPortalMessage message)
    {
        // Each handler of the circuit hears it; like the bus, one failing handler does not silence the others.
        List<Exception>? failures = null;
        foreach (var handler in entry.Handlers)
        {
            try
            {
                handler(message);
            }
#pragma warning disable CA1031 // collected and rethrown below, so the bus logs it once
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (failures ??= []).Add(ex);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException(failures);
        }
    }

    private void Remove(PortalTopicKey topic, Action<IPortalMessage> local)
    {
        IDisposable? upstream = null;
        lock (gate)
        {
            if (!shared.TryGetValue(topic, out var entry))
            {
                return;
            }

            entry.Handlers = Array.FindAll(entry.Handlers, h => !ReferenceEquals(h, local));
            if (entry.Handlers.Length == 0)
            {
                shared.Remove(topic);
                upstream = entry.Upstream;
            }
        }

        upstream?.Dispose();
    }

    private sealed class Shared
    {
        public IDisposable? Upstream { get; set; }

        // Copy-on-write, read by the publisher's thread without the lock.
        public Action<IPortalMessage>[] Handlers { get; set; } = [];
    }

    private sealed class Local(CircuitEvents owner, PortalTopicKey topic, Action<IPortalMessage> handler) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Remove(topic, handler);
            }
        }
    }
}
