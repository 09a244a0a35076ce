namespace Rrr.Core.Background;

/// <summary>
/// A hosted follower of the bus (<see cref="IPortalEvents"/>) that does slow work (an RRR read, a store write) for
/// what it hears. Handlers run on the publisher's thread (the webhook processor's), so a handler only queues an
/// item with <see cref="Enqueue"/>; one loop takes what queued up, in order, a batch at a time. A failing batch is
/// logged by class name and the loop goes on: a background follower never ends on an error.
/// </summary>
public abstract partial class BusListener<TItem>(IPortalEvents events, ILogger logger) : BackgroundService
{
    /// <summary>Queued items one batch takes at most, so a flood is still handled in steps.</summary>
    public const int MaxBatch = 256;

    private readonly Channel<TItem> queue = Channel.CreateUnbounded<TItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock gate = new();
    private IDisposable[]? subscriptions;

    /// <summary>The bus followed, for a listener that publishes what it learnt.</summary>
    protected IPortalEvents Events { get; } = events;

    protected ILogger Logger { get; } = logger;

    /// <summary>The bus subscriptions; each handler calls <see cref="Enqueue"/> for what needs work.</summary>
    protected abstract IEnumerable<IDisposable> Subscribe(IPortalEvents bus);

    /// <summary>Does the work for one batch of queued items, oldest first.</summary>
    protected abstract Task HandleAsync(IReadOnlyList<TItem> batch, CancellationToken cancellationToken);

    protected void Enqueue(TItem item) => queue.Writer.TryWrite(item);

    /// <summary>Subscribes before the host goes on, so no event applied after start-up is missed
    /// (since .NET 10 <see cref="BackgroundService.ExecuteAsync"/> starts later, on the thread pool).</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            subscriptions ??= [.. Subscribe(Events)];
        }

        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Unsubscribe();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        Unsubscribe();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<TItem>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                try
                {
                    await HandleAsync(batch, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // one failed batch must not stop the follower; what it failed to do is logged
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogBatchFailed(Logger, GetType().Name, batch.Count, ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    // Stop and Dispose may overlap (the host stops while it disposes): whoever takes the array disposes it.
    private void Unsubscribe()
    {
        IDisposable[]? taken;
        lock (gate)
        {
            taken = subscriptions;
            subscriptions = [];
        }

        foreach (var subscription in taken ?? [])
        {
            subscription.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Listener}: a batch of {Count} failed ({ErrorClass})")]
    private static partial void LogBatchFailed(ILogger logger, string listener, int count, string errorClass);
}
