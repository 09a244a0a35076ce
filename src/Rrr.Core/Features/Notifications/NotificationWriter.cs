namespace Rrr.Core.Features.Notifications;

/// <summary>A notification was stored for <see cref="Recipient"/> (their bell counts it, their open pages show it).</summary>
/// <param name="SourceEventId">The RRR event it reports, so a page that already announced that event says it once.</param>
public sealed record NotificationAdded(NotificationRecipient Recipient, Notification Notification, string? SourceEventId) : IPortalMessage
{
    /// <summary>The new notifications of one recipient key.</summary>
    public static PortalTopic<NotificationAdded> For(NotificationRecipient recipient) => new("notification.added", recipient.Key);

    public IEnumerable<PortalTopicKey> Topics() => [For(Recipient).Key];
}

/// <summary>
/// Turns every RRR event that concerns a member into a stored notification (the seed's "webhook handlers
/// have stubs for notifications"), then tells that member's open pages. The id is the event id and the recipient,
/// so a replayed event is one notification. Values are codes and opaque ids only; the words are made when shown.
/// An award the viewer receives names its model by XCN user id, from the award history row of that intent.
/// </summary>
public sealed partial class NotificationWriter(IPortalEvents events, IServiceProvider services, TimeProvider time, ILogger<NotificationWriter> logger)
    : BusListener<RrrEvent>(events, logger)
{
    // What changes a member's points, and their link.
    private static readonly string[] FollowedTypes = [.. WalletSync.EventTypes, RrrEventTypes.LinkUpdated];

    // Facts, not state news: two lots posted in one RRR transaction share a wallet version, and both are worth a word.
    protected override IEnumerable<IDisposable> Subscribe(IPortalEvents bus) =>
        [.. FollowedTypes.Select(type => bus.Subscribe(RrrFact.OfType(type), fact => Enqueue(fact.Event)))];

    protected override async Task HandleAsync(IReadOnlyList<RrrEvent> batch, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<INotificationStore>();
        foreach (var rrrEvent in batch)
        {
            var modelXcnUserId = await AwardModelAsync(rrrEvent, cancellationToken);
            if (NotificationRules.For(rrrEvent, modelXcnUserId, time.GetUtcNow()) is not { } notification)
            {
                continue;
            }

            if (await store.AddAsync(notification, cancellationToken))
            {
                LogStored(Logger, notification.Id, notification.Kind);
                Events.Publish(new NotificationAdded(notification.Recipient, notification, rrrEvent.Id));
            }
        }
    }

    // Who gave the award: the model of the award history row RRR's intent belongs to (null for awards made elsewhere).
    private async Task<string?> AwardModelAsync(RrrEvent rrrEvent, CancellationToken cancellationToken) =>
        rrrEvent.Type == RrrEventTypes.TransferCompleted && rrrEvent.GetLong("points") > 0 && rrrEvent.GetString("award_intent_id") is { Length: > 0 } intent
            ? (await services.GetRequiredService<IAwardHistoryStore>().FindByIntentAsync(intent, cancellationToken))?.ModelXcnUserId
            : null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Notification {NotificationId} ({Kind}) stored")]
    private static partial void LogStored(ILogger logger, string notificationId, string kind);
}

/// <summary>Which notification, if any, an RRR event makes: its kind, recipient and values.</summary>
public static class NotificationRules
{
    public static Notification? For(RrrEvent rrrEvent, string? modelXcnUserId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rrrEvent);
        var member = rrrEvent.ResourceType == "wallet" && rrrEvent.ResourceId is { Length: > 0 } owner ? owner : rrrEvent.RrrMemberId;
        var points = rrrEvent.GetLong("points");
        var kind = KindOf(rrrEvent);
        NotificationRecipient? recipient = rrrEvent.Type == RrrEventTypes.LinkUpdated
            ? rrrEvent.XcnUserId is { Length: > 0 } xcn ? NotificationRecipient.XcnUser(xcn) : null
            : member is { Length: > 0 } ? NotificationRecipient.RrrMember(member) : null;
        if (kind is null || recipient is not { } to)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (points is { } n)
        {
            values["points"] = Math.Abs(n).ToString(CultureInfo.InvariantCulture);
        }

        if (modelXcnUserId is { Length: > 0 } model)
        {
            values["model_xcn_user_id"] = model;
        }

        return new Notification($"{rrrEvent.Id}:{to.Key}", to, kind, values, now);
    }

    /// <summary>
    /// The notification kind an RRR event reports (<see cref="NotificationKinds"/>), or null when it makes none; the
    /// points panel words its note for the event from the same kind, so both say the same sentence.
    /// </summary>
    public static string? KindOf(RrrEvent rrrEvent)
    {
        ArgumentNullException.ThrowIfNull(rrrEvent);
        var points = rrrEvent.GetLong("points");
        var status = rrrEvent.GetString("status");
        return rrrEvent.Type switch
        {
            RrrEventTypes.PointsPosted => status == "PENDING" ? NotificationKinds.PointsPending : NotificationKinds.PointsPosted,
            RrrEventTypes.PointsReversed => status == "EXPIRED" ? NotificationKinds.PointsExpired : NotificationKinds.PointsReversed,
            RrrEventTypes.RedemptionCommitted => NotificationKinds.RedemptionCommitted,
            RrrEventTypes.RedemptionReversed => NotificationKinds.RedemptionReversed,
            RrrEventTypes.TransferCompleted => points > 0 ? NotificationKinds.AwardReceived : NotificationKinds.AwardSent,
            RrrEventTypes.TransferReversed => NotificationKinds.AwardReversed,
            RrrEventTypes.LinkUpdated => status switch
            {
                "LINKED" => NotificationKinds.LinkLinked,
                "REVOKED" => NotificationKinds.LinkRevoked,
                _ => null,
            },
            _ => null,
        };
    }
}
