namespace Rrr.Core.Features.Earn;

/// <summary>
/// One outbox row's call to RRR and what it ends in: the earn (or its reversal) with the order's idempotency key,
/// RRR's refusals sorted into dead-letter now, retry with backoff, hold (a buyer not linked yet), or an outage that costs no attempt. The
/// <see cref="EarnDispatcher"/> claims, runs and settles the batches around it.
/// </summary>
internal sealed class EarnPosting(IEarnOutbox outbox, IRrrEarnApi rrr, TimeProvider time)
{
    /// <summary>Refused for good: trying again with the same body cannot succeed.</summary>
    private static readonly HashSet<string> PermanentCodes = new(StringComparer.Ordinal)
    {
        RrrErrorCodes.NotLinked,
        RrrErrorCodes.ValidationFailed,
        RrrErrorCodes.IdempotencyKeyReused,
        RrrErrorCodes.NotFound,
        RrrErrorCodes.Unauthorized,
        RrrErrorCodes.ClientIdRequired,
        RrrErrorCodes.IdempotencyKeyRequired,
        RrrErrorCodes.InvalidState,
    };

    /// <summary>request_in_progress answers after which the order's key counts as stuck (see PostEarnAsync).</summary>
    internal const int StuckKeyAttempts = 2;

    /// <summary>Posts one claimed row and says how it is to be settled; never throws for a row's own failure.</summary>
    public async Task<EarnOutcome> DispatchAsync(OutboxRow row, EarnBatch batch, EarnOptions settings, CancellationToken cancellationToken)
    {
        // Once RRR said it is down, the rest of the batch waits instead of queueing behind timeouts.
        if (batch.OutageSeen)
        {
            return EarnOutcome.Outage(row.Key);
        }

        try
        {
            return row.Order.Kind == OrderEventKind.Paid
                ? await PostEarnAsync(row, settings, cancellationToken)
                : await PostReversalAsync(row, settings, cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            batch.ReportOutage(ex.RetryAfter);
            return EarnOutcome.Outage(row.Key);
        }
        catch (RrrProblemException ex) when (ex.Is(RrrErrorCodes.NotLinked) && row.Order.Kind == OrderEventKind.Paid && settings.HoldUnlinkedFor > TimeSpan.Zero)
        {
            return Hold(row, settings);
        }
        catch (RrrProblemException ex) when (PermanentCodes.Contains(ex.Code))
        {
            return new EarnOutcome(new OutboxCompletion(row.Key, CompletionKind.Dead, ErrorCode: ex.Code));
        }
        catch (RrrProblemException ex)
        {
            return Failed(row, ex.Code, settings);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // an unexpected failure belongs to this row (counted, then dead-lettered), not to the batch
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The type name only: messages can quote data.
            return Failed(row, ex.GetType().Name, settings);
        }
    }

    private async Task<EarnOutcome> PostEarnAsync(OutboxRow row, EarnOptions settings, CancellationToken cancellationToken)
    {
        var order = row.Order;
        var amount = order.Amount ?? throw new InvalidOperationException("A paid order without an amount.");
        // A key whose first request died after RRR committed it (e.g. RRR restarted before storing the
        // response) answers request_in_progress until it expires (24 h). After two such answers a fresh key
        // asks again; RRR's one-earn-per-order rule makes that safe: duplicate_order hands back the event,
        // or, if the first request never committed, this one earns it.
        var generation = GenerationPart(order.OrderNumber, row.KeyGeneration);
        var keyPart = row.LastError == RrrErrorCodes.RequestInProgress && row.Attempts >= StuckKeyAttempts
            ? string.Create(CultureInfo.InvariantCulture, $"{generation}_r{row.Attempts}")
            : generation;
        var key = order.Product == EarnProduct.Tokens ? IdempotencyKeys.EarnTokens(keyPart) : IdempotencyKeys.EarnMembership(keyPart);
        var request = new EarnEventRequest(
            order.XcnUserId, order.OrderNumber, order.Product, amount, settings.PostingMode, settings.ExpectedPoints(order.Product, amount.Amount),
            order.MembershipPlan, order.Tier);
        try
        {
            var earned = await rrr.PostEarnEventAsync(request, key, cancellationToken);
            return Posted(row.Key, new EarnPostResult(earned.EarnEventId, earned.Points, StatusText(earned.Status)));
        }
        catch (RrrProblemException ex) when (ex.Is(RrrErrorCodes.DuplicateOrder) && ex.EarnEventId is { } earnEventId)
        {
            // RRR already earned this order (under another key, e.g. a restored backup): that event is ours.
            return Posted(row.Key, new EarnPostResult(earnEventId, null, EarnPostResult.Duplicate));
        }
    }

    private async Task<EarnOutcome> PostReversalAsync(OutboxRow row, EarnOptions settings, CancellationToken cancellationToken)
    {
        var paid = await outbox.GetAsync(row.Order.Key with { Kind = OrderEventKind.Paid }, cancellationToken);
        switch (paid)
        {
            case null:
                // A refund ahead of its payment (or of an order we never saw): wait a while, then dead-letter.
                return Failed(row, OutboxCodes.PaidOrderUnknown, settings);
            case { Status: OutboxStatus.Dead }:
            case { Status: OutboxStatus.Posted, Result.EarnEventId: null }:
                // Dead, or a held order cancelled by this refund before: nothing reached RRR.
                return Posted(row.Key, new EarnPostResult(null, null, EarnPostResult.NothingToReverse));
            case { Status: OutboxStatus.Held }:
                // Refunded before its buyer linked: the paid order must never post, so the same write closes it.
                return new EarnOutcome(new OutboxCompletion(
                    row.Key, CompletionKind.Posted, new EarnPostResult(null, null, EarnPostResult.NothingToReverse), CancelsHeldPaid: true));
            case { Status: OutboxStatus.Posted, Result.EarnEventId: { } earnEventId }:
                try
                {
                    var reversed = await rrr.ReverseAsync(
                        earnEventId, new ReverseEarnRequest("ORDER_REFUNDED"),
                        IdempotencyKeys.EarnReverse(GenerationPart(earnEventId, row.KeyGeneration)), cancellationToken);
                    return Posted(row.Key, new EarnPostResult(earnEventId, reversed.PointsReversed, EarnPostResult.Reversed));
                }
                catch (RrrProblemException ex) when (ex.Is(RrrErrorCodes.AlreadyReversed))
                {
                    return Posted(row.Key, new EarnPostResult(earnEventId, null, EarnPostResult.Reversed));
                }

            default:
                // The paid order is still on its way to RRR: wait for it, at no cost to the refund's attempts.
                return new EarnOutcome(new OutboxCompletion(
                    row.Key, CompletionKind.Retry, ErrorCode: "waiting_for_paid",
                    RetryAt: time.GetUtcNow() + settings.FirstRetryDelay, CountsAsAttempt: false));
        }
    }

    /// <summary>
    /// The key's business part in a key generation: generation 0 is the bare id (the keys rows always had), a later one
    /// appends <c>_g{n}</c>. Not <c>_r</c>: that suffix marks a stuck key's replacement within a generation.
    /// </summary>
    internal static string GenerationPart(string id, int generation) =>
        generation <= 0 ? id : string.Create(CultureInfo.InvariantCulture, $"{id}_g{generation}");

    /// <summary>
    /// not_linked for a paid order: held for the buyer to link, the window counted from RRR's first such answer (kept on
    /// the row across releases); once it has passed, a dead letter saying so.
    /// </summary>
    private EarnOutcome Hold(OutboxRow row, EarnOptions settings)
    {
        var now = time.GetUtcNow();
        var until = row.HeldUntil ?? now + settings.HoldUnlinkedFor;
        return now >= until
            ? new EarnOutcome(new OutboxCompletion(row.Key, CompletionKind.Dead, ErrorCode: OutboxCodes.HoldExpired))
            : new EarnOutcome(OutboxCompletion.Held(row.Key, until, row.KeyGeneration));
    }

    private EarnOutcome Failed(OutboxRow row, string code, EarnOptions settings)
    {
        var attempts = row.Attempts + 1;
        return attempts >= settings.MaxAttempts
            ? new EarnOutcome(new OutboxCompletion(row.Key, CompletionKind.Dead, ErrorCode: code))
            : new EarnOutcome(new OutboxCompletion(row.Key, CompletionKind.Retry, ErrorCode: code, RetryAt: time.GetUtcNow() + Backoff(attempts, settings)));
    }

    private static EarnOutcome Posted(OutboxKey key, EarnPostResult result) =>
        new(new OutboxCompletion(key, CompletionKind.Posted, result));

    private static string StatusText(EarnStatus status) => status switch
    {
        EarnStatus.Pending => "PENDING",
        EarnStatus.Reversed => "REVERSED",
        _ => "POSTED",
    };

    /// <summary>First delay doubled per step, capped.</summary>
    internal static TimeSpan Backoff(int step, EarnOptions settings)
    {
        var factor = 1L << Math.Clamp(step - 1, 0, 20);
        return TimeSpan.FromTicks(Math.Min(settings.FirstRetryDelay.Ticks * factor, settings.MaxRetryDelay.Ticks));
    }
}

/// <summary>How one row is to be settled; an outage costs no attempt and gets its retry time from the whole batch.</summary>
internal readonly record struct EarnOutcome(OutboxCompletion Completion, bool IsOutage = false)
{
    public static EarnOutcome Outage(OutboxKey key) =>
        new(new OutboxCompletion(key, CompletionKind.Retry, ErrorCode: "rrr_unavailable", CountsAsAttempt: false), IsOutage: true);
}

/// <summary>What a batch learned while its rows were posted: whether RRR is down, and the longest Retry-After it gave.</summary>
internal sealed class EarnBatch
{
    private readonly Lock gate = new();
    private volatile bool outageSeen;

    public bool OutageSeen => outageSeen;

    public TimeSpan? RetryAfter { get; private set; }

    public void ReportOutage(TimeSpan? retryAfter)
    {
        lock (gate)
        {
            outageSeen = true;
            if (retryAfter is { } value && (RetryAfter is null || value > RetryAfter))
            {
                RetryAfter = value;
            }
        }
    }
}
