namespace Rrr.Core.Features.Awards;

/// <summary>
/// An award row changed from RRR's word (a model's history page shows it again). On the app-wide bus.
/// </summary>
public sealed record AwardSettled(string ModelXcnUserId, string ClientAwardId, AwardRecordStatus Status) : IPortalMessage
{
    /// <summary>The settled awards of one model (their room and history pages).</summary>
    public static PortalTopic<AwardSettled> OfModel(string modelXcnUserId) => new("award.settled", modelXcnUserId);

    public IEnumerable<PortalTopicKey> Topics() => [OfModel(ModelXcnUserId).Key];
}

/// <summary>
/// Settles the model's award history from RRR's webhooks, which name the award intent: TRANSFER_COMPLETED commits
/// a row still pending (its commit answer was lost, or the page closed before it came), TRANSFER_REVERSED marks a
/// committed award reversed. The event is RRR's signed statement, applied by the webhook processor in version
/// order, so nothing is re-read from RRR. Each award sends one event per side; the second finds nothing to change.
/// </summary>
public sealed partial class AwardSettlement(IPortalEvents events, IServiceProvider services, TimeProvider time, ILogger<AwardSettlement> logger)
    : BusListener<RrrEvent>(events, logger)
{
    protected override IEnumerable<IDisposable> Subscribe(IPortalEvents bus) =>
    [
        bus.Subscribe(RrrTopic.OfType(RrrEventTypes.TransferCompleted), Enqueue),
        bus.Subscribe(RrrTopic.OfType(RrrEventTypes.TransferReversed), Enqueue),
    ];

    protected override async Task HandleAsync(IReadOnlyList<RrrEvent> batch, CancellationToken cancellationToken)
    {
        var history = services.GetRequiredService<IAwardHistoryStore>();
        foreach (var rrrEvent in batch)
        {
            if (rrrEvent.GetString("award_intent_id") is not { Length: > 0 } intentId)
            {
                LogNoIntent(Logger, rrrEvent.Id, rrrEvent.Type);
                continue;
            }

            // Awards started elsewhere (another client of RRR) have no row here: nothing to settle.
            if (await history.FindByIntentAsync(intentId, cancellationToken) is not { } row)
            {
                continue;
            }

            var status = rrrEvent.Type == RrrEventTypes.TransferReversed ? AwardRecordStatus.Reversed : AwardRecordStatus.Committed;
            if (row.Status == status)
            {
                continue;
            }

            var now = time.GetUtcNow();
            var committedAt = status == AwardRecordStatus.Committed ? EventTime(rrrEvent) ?? now : (DateTimeOffset?)null;
            var update = new AwardUpdate(row.ModelXcnUserId, row.ClientAwardId, status, intentId, rrrEvent.GetString("award_id"), null, null, now, committedAt);
            if (await history.UpdateAsync(update, cancellationToken))
            {
                LogSettled(Logger, row.ClientAwardId, intentId, status);
                Events.Publish(new AwardSettled(row.ModelXcnUserId, row.ClientAwardId, status));
            }
        }
    }

    private static DateTimeOffset? EventTime(RrrEvent rrrEvent) =>
        DateTimeOffset.TryParse(rrrEvent.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Award {ClientAwardId} (intent {AwardIntentId}) settled from RRR: {Status}")]
    private static partial void LogSettled(ILogger logger, string clientAwardId, string awardIntentId, AwardRecordStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{EventType} {EventId} names no award intent; award history not settled")]
    private static partial void LogNoIntent(ILogger logger, string eventId, string eventType);
}
