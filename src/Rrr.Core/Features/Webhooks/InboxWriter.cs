using System.Threading.Channels;

namespace Rrr.Core.Features.Webhooks;

/// <summary>How the webhook endpoint puts an event into the inbox; answers only once the write is durable.</summary>
public interface IInboxWriter
{
    Task<InboxAddResult> AddAsync(InboxEvent inboxEvent, CancellationToken cancellationToken);
}

/// <summary>One store write per event.</summary>
public sealed class DirectInboxWriter(IWebhookInbox inbox) : IInboxWriter
{
    public Task<InboxAddResult> AddAsync(InboxEvent inboxEvent, CancellationToken cancellationToken) =>
        inbox.TryAddAsync(inboxEvent, cancellationToken);
}

/// <summary>
/// Group commit: concurrent requests queue their event, one writer loop takes whatever is queued
/// (up to <see cref="MaxBatch"/>) and stores it with one <see cref="IWebhookInbox.TryAddManyAsync"/>,
/// then answers every waiting request. A lone request is written at once (a batch of one), so
/// batching adds no delay when idle, while under load many events share one commit and its disk sync.
/// Each request still returns only after its own event is committed.
/// </summary>
public sealed class BatchingInboxWriter : IInboxWriter, IAsyncDisposable
{
    public const int MaxBatch = 256;

    private readonly IWebhookInbox inbox;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly Task loop;

    public BatchingInboxWriter(IWebhookInbox inbox)
    {
        this.inbox = inbox;
        loop = Task.Run(RunAsync);
    }

    private long batches;
    private long events;

    /// <summary>Batches written so far (with <see cref="EventsWritten"/>: the average group size, for tuning).</summary>
    public long BatchesWritten => Interlocked.Read(ref batches);

    public long EventsWritten => Interlocked.Read(ref events);

    public Task<InboxAddResult> AddAsync(InboxEvent inboxEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inboxEvent);

        // RunContinuationsAsynchronously: completing a batch must not run 256 request pipelines inline
        // on the writer loop.
        var pending = new Pending(inboxEvent, new TaskCompletionSource<InboxAddResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!queue.Writer.TryWrite(pending), this);

        // A caller that gives up stops waiting; the event may still be written, which a re-delivery
        // then sees as a duplicate.
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
        var toWrite = new List<InboxEvent>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            toWrite.Clear();
            Drain(batch, toWrite);
            try
            {
                // Not cancellable: once a batch starts, every waiting request deserves its answer.
                var results = await inbox.TryAddManyAsync(toWrite, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref batches);
                Interlocked.Add(ref events, batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }
            }
#pragma warning disable CA1031 // the failure belongs to the waiting requests (they answer 5xx and RRR retries), not to the loop
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

    private void Drain(List<Pending> batch, List<InboxEvent> toWrite)
    {
        while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
            toWrite.Add(pending.Event);
        }
    }

    private sealed record Pending(InboxEvent Event, TaskCompletionSource<InboxAddResult> Completion);
}
