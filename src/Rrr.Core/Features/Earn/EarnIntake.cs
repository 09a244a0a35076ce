using System.Threading.Channels;

namespace Rrr.Core.Features.Earn;

public enum AcceptOutcome
{
    /// <summary>New: stored durably, the dispatcher takes it from here.</summary>
    Accepted,

    /// <summary>The same order event was accepted before; nothing new was stored.</summary>
    Repeat,

    /// <summary>The order number and kind were accepted before with different facts; nothing was stored.</summary>
    Conflict,
}

public sealed record AcceptResult(AcceptOutcome Outcome, OutboxRow Row);

/// <summary>
/// Puts accepted order events into the outbox with group commit: concurrent requests queue their order,
/// one writer loop stores whatever is queued in one <see cref="IEarnOutbox.TryAddManyAsync"/> (one disk
/// sync), then answers each request and wakes the dispatcher. A lone request is a batch of one, so idle
/// latency is one commit; every answer still comes only after its own row is committed.
/// </summary>
public sealed class EarnIntake : IAsyncDisposable
{
    public const int MaxBatch = 256;

    private readonly IEarnOutbox outbox;
    private readonly EarnSignal signal;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly Task loop;

    public EarnIntake(IEarnOutbox outbox, EarnSignal signal)
    {
        this.outbox = outbox;
        this.signal = signal;
        loop = Task.Run(RunAsync);
    }

    public Task<AcceptResult> AcceptAsync(EarnOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var pending = new Pending(order, new TaskCompletionSource<AcceptResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!queue.Writer.TryWrite(pending), this);

        // A caller that gives up stops waiting; the row may still be written, and a repeat then finds it.
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                // Not cancellable: once a batch starts, every waiting request deserves its answer.
                var outcomes = await outbox.TryAddManyAsync(batch.ConvertAll(p => p.Order), CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    var outcome = outcomes[i];
                    var result = outcome.Added ? AcceptOutcome.Accepted
                        : outcome.Row.Order.SameFactAs(batch[i].Order) ? AcceptOutcome.Repeat
                        : AcceptOutcome.Conflict;
                    batch[i].Completion.TrySetResult(new AcceptResult(result, outcome.Row));
                }

                signal.Notify();
            }
#pragma warning disable CA1031 // the failure belongs to the waiting requests (they answer 5xx and XCN retries), not to the loop
            catch (Exception ex)
#pragma warning restore CA1031
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(ex);
                }
            }
        }
    }

    private sealed record Pending(EarnOrder Order, TaskCompletionSource<AcceptResult> Completion);
}
