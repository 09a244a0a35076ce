namespace Rrr.Persistence.Mongo;

[OmitNullFields]
internal sealed class InboxDocument
{
    public string Id { get; set; } = "";

    public string Type { get; set; } = "";

    public DateTime ReceivedAt { get; set; }

    public string Payload { get; set; } = "";

    public string Status { get; set; } = "";

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public string? ClaimedBy { get; set; }

    public DateTime? LeaseUntil { get; set; }

    public string? Outcome { get; set; }

    public string? LastError { get; set; }

    public DateTime? ProcessedAt { get; set; }

    public static InboxDocument From(InboxEvent inboxEvent) => new()
    {
        Id = inboxEvent.EventId,
        Type = inboxEvent.Type,
        ReceivedAt = BsonTime.From(inboxEvent.ReceivedAt),
        Payload = inboxEvent.Payload,
        Status = InboxCodes.StatusText(InboxStatus.Pending),
        NextAttemptAt = BsonTime.From(inboxEvent.ReceivedAt),
    };

    public InboxEvent ToInboxEvent() => new(Id, Type, BsonTime.Utc(ReceivedAt), Payload);

    public InboxRecord ToRecord() => new(
        ToInboxEvent(),
        InboxCodes.ParseStatus(Status),
        Attempts,
        Outcome is null ? null : InboxCodes.ParseOutcome(Outcome),
        LastError,
        BsonTime.Utc(ProcessedAt),
        ClaimedBy,
        BsonTime.Utc(LeaseUntil));
}
