namespace Rrr.Persistence.Mongo;

// The stored shape is owned here, apart from the Core records, so renaming a record property never
// silently changes (or breaks reading) what production already holds. Names: MongoConventions.
[OmitNullFields]
internal sealed class AuditDocument
{
    /// <summary>The caller's event id, so a retried append hits the _id uniqueness instead of duplicating.</summary>
    public string Id { get; set; } = "";

    public DateTime OccurredAt { get; set; }

    public string ActorId { get; set; } = "";

    public string Kind { get; set; } = "";

    public string? SubjectId { get; set; }

    public string? TraceId { get; set; }

    public string? IdempotencyKey { get; set; }

    public string? Outcome { get; set; }

    public static AuditDocument From(AuditEvent auditEvent) => new()
    {
        Id = auditEvent.Id,
        OccurredAt = BsonTime.From(auditEvent.OccurredAt),
        ActorId = auditEvent.ActorId,
        Kind = auditEvent.Kind,
        SubjectId = auditEvent.SubjectId,
        TraceId = auditEvent.TraceId,
        IdempotencyKey = auditEvent.IdempotencyKey,
        Outcome = auditEvent.Outcome,
    };

    public AuditEvent ToAuditEvent() => new(Id, BsonTime.Utc(OccurredAt), ActorId, Kind, SubjectId, TraceId, IdempotencyKey, Outcome);
}
