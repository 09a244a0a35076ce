namespace Rrr.Core.Background;

/// <summary>
/// Group commit: concurrent callers queue their item, one writer loop takes whatever is queued (up to
/// <see cref="MaxBatch"/>) and stores it with one call of the batch write, then answers every waiting caller
/// with its own result. A lone caller is written at once (a batch of one), so batching adds no delay when
/// idle, while under load many items share one commit and its disk sync. Each caller still returns only
/// after its own item is committed. Used by the webhook inbox and the earn outbox.
/// </summary>
/// <typeparam name="TItem">What a caller stores.</typeparam>
/// <typeparam name="TResult">The write's answer for one item; the batch write returns them in item order.</typeparam>
public sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> write;
    private readonly Action? afterBatch;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly Task loop;
    private long batches;
    private long items;

    /// <param name="write">Stores a batch durably (one transaction where the store has them).</param>
    /// <param name="maxBatch">The most items one write takes.</param>
    /// <param name="afterBatch">Runs after each successful write, once its callers are answered (e.g. wakes a loop).</param>
    public GroupCommit(
        Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> write,
        int maxBatch,
        Action? afterBatch = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        this.write = write;
        this.afterBatch = afterBatch;
        MaxBatch = maxBatch;
        loop = Task.Run(RunAsync);
    }

    public int MaxBatch { get; }

    /// <summary>Batches written so far (with <see cref="ItemsWritten"/>: the average group size, for tuning).</summary>
    public long BatchesWritten => Interlocked.Read(ref batches);

    public long ItemsWritten => Interlocked.Read(ref items);

    public Task<TResult> AddAsync(TItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);

        // RunContinuationsAsynchronously: completing a batch must not run hundreds of request pipelines
        // inline on the writer loop.
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!queue.Writer.TryWrite(pending), this);

        // A caller that gives up stops waiting; the item may still be written, which a repeat then finds.
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
        var toWrite = new List<TItem>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            toWrite.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                toWrite.Add(pending.Item);
            }

            try
            {
                // Not cancellable: once a batch starts, every waiting caller deserves its answer.
                var results = await write(toWrite, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref batches);
                Interlocked.Add(ref items, batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }

                afterBatch?.Invoke();
            }
#pragma warning disable CA1031 // the failure belongs to the waiting callers (they answer 5xx and their sender retries), not to the loop
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

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Completion);
}
