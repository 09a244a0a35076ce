using Microsoft.FeatureManagement;

namespace Rrr.Core.Features.Earn;

/// <summary>
/// Posts the outbox to RRR: claims due rows under a lease, posts each (bounded concurrency) with the
/// order's idempotency key, and settles the whole batch in one write. A lost lease, a crash between the
/// post and the write, or two instances overlapping after a lease expiry all end in a second post with
/// the same key, which RRR answers with a replay: never a second earn event.
/// <para>
/// Failures: RRR refusing the row for good (validation_failed, …) dead-letters it at once; not_linked for a paid
/// order holds it for the buyer to link (<see cref="HeldEarnings"/>; every pass also sweeps the expired holds).
/// RRR being unavailable (outage, timeout, open circuit, 5xx) is not the row's fault, so it costs no
/// attempt: the batch stops calling, its rows wait out a backoff that grows per consecutive outage
/// (capped by <see cref="EarnOptions.MaxRetryDelay"/>), and nothing dead-letters however long RRR is down.
/// Anything else counts an attempt, with exponential backoff, and dead-letters after MaxAttempts.
/// </para>
/// <para>
/// The <see cref="PortalFeatures.AutomaticEarn"/> flag gates every pass: while it is off nothing is claimed,
/// so accepted rows stay PENDING untouched (no attempt, no lease) and post on the first pass after it is on.
/// </para>
/// </summary>
// CA1001: callSlots is a SemaphoreSlim whose wait handle is never asked for, so there is nothing to dispose.
#pragma warning disable CA1001
public sealed partial class EarnDispatcher(
    IEarnOutbox outbox,
    IRrrEarnApi rrr,
    EarnSignal signal,
    TimeProvider time,
    IOptions<EarnOptions> options,
    ILogger<EarnDispatcher> logger,
    IFeatureManager features,
    HeldEarnings held)
#pragma warning restore CA1001
{
    private readonly EarnPosting posting = new(outbox, rrr, time);

    // Unique per dispatcher instance, also across restarts of the same process id.
    private readonly string owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    private int outageStreak;

    public string Owner => owner;

    /// <summary>Batches in flight at once while the outbox is full: one posts while another finishes its slowest calls.</summary>
    internal const int PipelinedPasses = 2;

    // RRR calls in flight across all passes of this instance (Earn:MaxConcurrency). Made on first use:
    // building the dispatcher must not read (and validate) its options.
    private SemaphoreSlim? callSlots;

    private SemaphoreSlim CallSlots =>
        LazyInitializer.EnsureInitialized(ref callSlots, () => new SemaphoreSlim(Math.Max(1, options.Value.MaxConcurrency)));

    /// <summary>The loop: a pass per wake-up (signal or poll), until <paramref name="stoppingToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.DispatcherEnabled)
        {
            return;
        }

        await signal.RunAsync(
            ct => DrainAsync(settings, ct), settings.PollInterval, time, ex => LogLoopFailed(logger, ex.GetType().Name), stoppingToken);
    }

    /// <summary>
    /// Passes until a short batch says nothing more is due. With more than one call slot, a second batch
    /// is claimed while the first runs: a batch settles only after its slowest call, and without the
    /// overlap the other slots idle through that tail (about a third of the time against the sandbox).
    /// The shared <see cref="CallSlots"/> keep the calls in flight at Earn:MaxConcurrency.
    /// </summary>
    private async Task DrainAsync(EarnOptions settings, CancellationToken stoppingToken)
    {
        var width = settings.MaxConcurrency > 1 ? PipelinedPasses : 1;
        var running = new List<Task<int>>(width);
        var more = true;
        try
        {
            while (true)
            {
                while (more && running.Count < width)
                {
                    running.Add(RunOnceAsync(stoppingToken));
                }

                if (running.Count == 0)
                {
                    return;
                }

                var done = await Task.WhenAny(running);
                running.Remove(done);
                if (await done < settings.BatchSize)
                {
                    more = false;
                }
            }
        }
        catch when (running.Count > 0)
        {
            // Never leave a pass running behind the loop: the next wake-up would overlap it.
            await Task.WhenAll(running).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>
    /// Claims, posts and settles one batch; returns how many rows it claimed. When
    /// <paramref name="cancellationToken"/> fires (graceful shutdown), what RRR already answered is
    /// settled and every other claim is released, due at once, so another instance takes it now
    /// instead of after the lease.
    /// </summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!await features.IsEnabledAsync(PortalFeatures.AutomaticEarn))
        {
            LogFlagOff(logger);
            return 0;
        }

        await held.ExpireDueAsync(cancellationToken);
        var now = time.GetUtcNow();
        var claimed = await outbox.ClaimBatchAsync(owner, settings.BatchSize, now, now + settings.Lease, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var batch = new EarnBatch();
        var outcomes = new EarnOutcome?[claimed.Count];
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, claimed.Count),
                new ParallelOptions { MaxDegreeOfParallelism = settings.MaxConcurrency, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var slots = CallSlots;
                    await slots.WaitAsync(ct);
                    try
                    {
                        outcomes[i] = await posting.DispatchAsync(claimed[i], batch, settings, ct);
                    }
                    finally
                    {
                        slots.Release();
                    }
                });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ReleaseAsync(claimed, outcomes);
            throw;
        }

        var settledAt = time.GetUtcNow();
        TimeSpan? outageDelay = null;
        if (batch.OutageSeen)
        {
            var streak = Interlocked.Increment(ref outageStreak);
            outageDelay = EarnPosting.Backoff(streak, settings);
            if (batch.RetryAfter is { } retryAfter && retryAfter > outageDelay)
            {
                outageDelay = retryAfter < settings.MaxRetryDelay ? retryAfter : settings.MaxRetryDelay;
            }

            LogOutage(logger, claimed.Count, (long)outageDelay.Value.TotalMilliseconds);
        }
        else if (outcomes.Any(o => o!.Value.Completion.Kind == CompletionKind.Posted))
        {
            Interlocked.Exchange(ref outageStreak, 0);
        }

        var completions = outcomes
            .Select(o => o!.Value.IsOutage ? o.Value.Completion with { RetryAt = settledAt + outageDelay!.Value } : o.Value.Completion)
            .ToList();

        // Not cancellable: what RRR already has must be written down, or it is posted (and replayed) again.
        var marked = await outbox.CompleteManyAsync(owner, completions, settledAt, CancellationToken.None);
        List<string>? heldChanged = null;
        for (var i = 0; i < completions.Count; i++)
        {
            var completion = completions[i];
            if (!marked[i])
            {
                LogLeaseLost(logger, completion.Key.OrderNumber, completion.Key.Kind);
                continue;
            }

            if (completion.Kind == CompletionKind.Held || completion.CancelsHeldPaid)
            {
                (heldChanged ??= []).Add(claimed[i].Order.XcnUserId);
            }

            if (completion.Kind == CompletionKind.Held)
            {
                LogHeld(logger, completion.Key.OrderNumber, completion.HeldUntil);
            }
            else if (completion.Kind == CompletionKind.Posted)
            {
                LogPosted(logger, completion.Key.OrderNumber, completion.Key.Kind, completion.Result?.EarnEventId, completion.Result?.Status);
            }
            else if (completion.Kind == CompletionKind.Dead)
            {
                LogDead(logger, completion.Key.OrderNumber, completion.Key.Kind, completion.ErrorCode);
            }
        }

        if (heldChanged is not null)
        {
            held.Announce(heldChanged);
        }

        return claimed.Count;
    }

    /// <summary>
    /// Shutdown: settles the rows RRR answered and hands the rest back (PENDING, due now, no attempt
    /// counted, last error kept). A call cut off mid-flight may have reached RRR; the next post carries
    /// the same key, so RRR replays it instead of earning twice.
    /// </summary>
    private async Task ReleaseAsync(IReadOnlyList<OutboxRow> claimed, EarnOutcome?[] outcomes)
    {
        var releasedAt = time.GetUtcNow();
        var completions = new List<OutboxCompletion>(claimed.Count);
        var released = 0;
        for (var i = 0; i < claimed.Count; i++)
        {
            if (outcomes[i] is { IsOutage: false } outcome)
            {
                completions.Add(outcome.Completion);
                continue;
            }

            released++;
            completions.Add(new OutboxCompletion(
                claimed[i].Key, CompletionKind.Retry, ErrorCode: claimed[i].LastError, RetryAt: releasedAt, CountsAsAttempt: false));
        }

        try
        {
            await outbox.CompleteManyAsync(owner, completions, releasedAt, CancellationToken.None);
            LogReleased(logger, released, claimed.Count - released);
        }
#pragma warning disable CA1031 // best effort on the way out: the leases still expire on their own
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogReleaseFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderNumber} ({Kind}) posted to RRR: {EarnEventId} {ResultStatus}")]
    private static partial void LogPosted(ILogger logger, string orderNumber, OrderEventKind kind, string? earnEventId, string? resultStatus);

    [LoggerMessage(Level = LogLevel.Error, Message = "Order {OrderNumber} ({Kind}) dead-lettered: {ErrorCode}")]
    private static partial void LogDead(ILogger logger, string orderNumber, OrderEventKind kind, string? errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderNumber} held until {HeldUntil}: its buyer is not linked to RRR yet")]
    private static partial void LogHeld(ILogger logger, string orderNumber, DateTimeOffset? heldUntil);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderNumber} ({Kind}): lease lost before it was settled")]
    private static partial void LogLeaseLost(ILogger logger, string orderNumber, OrderEventKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RRR unavailable: {Count} outbox rows wait {DelayMs} ms (no attempt counted)")]
    private static partial void LogOutage(ILogger logger, int count, long delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Earn dispatcher stopping: released {Released} claims, settled {Settled} answered rows")]
    private static partial void LogReleased(ILogger logger, int released, int settled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Earn dispatcher could not release its claims on shutdown ({ErrorClass}); they free up when the lease ends")]
    private static partial void LogReleaseFailed(ILogger logger, string errorClass);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Earn dispatcher idle: the AutomaticEarn flag is off, accepted orders wait")]
    private static partial void LogFlagOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Earn dispatcher pass failed ({ErrorClass}); retrying on the next wake-up")]
    private static partial void LogLoopFailed(ILogger logger, string errorClass);
}
