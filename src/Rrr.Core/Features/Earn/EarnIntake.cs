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
/// Puts accepted order events into the outbox with group commit (<see cref="GroupCommit{TItem, TResult}"/>):
/// concurrent requests share one <see cref="IEarnOutbox.TryAddManyAsync"/> (one disk sync), each answered
/// only after its own row is committed, and every committed batch wakes the dispatcher. A lone request is
/// a batch of one, so idle latency is one commit.
/// </summary>
public sealed class EarnIntake(IEarnOutbox outbox, EarnSignal signal) : IAsyncDisposable
{
    public const int MaxBatch = 256;

    private readonly GroupCommit<EarnOrder, OutboxAddOutcome> commit = new(outbox.TryAddManyAsync, MaxBatch, signal.Notify);

    public async Task<AcceptResult> AcceptAsync(EarnOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);

        // A caller that gives up stops waiting; the row may still be written, and a repeat then finds it.
        var outcome = await commit.AddAsync(order, cancellationToken);
        var result = outcome.Added ? AcceptOutcome.Accepted
            : outcome.Row.Order.SameFactAs(order) ? AcceptOutcome.Repeat
            : AcceptOutcome.Conflict;
        return new AcceptResult(result, outcome.Row);
    }

    public ValueTask DisposeAsync() => commit.DisposeAsync();
}
