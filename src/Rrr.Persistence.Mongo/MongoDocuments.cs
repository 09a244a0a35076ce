using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Rrr.Core.Features.Audit;
using Rrr.Core.Persistence;

namespace Rrr.Persistence.Mongo;

// The stored shape is owned here, apart from the Core records, so renaming a record property never
// silently changes (or breaks reading) what production already holds.

internal static class BsonTime
{
    /// <summary>BSON dates hold milliseconds; truncating here keeps both adapters returning the same value.</summary>
    public static DateTime From(DateTimeOffset value) =>
        DateTime.UnixEpoch.AddMilliseconds(value.ToUnixTimeMilliseconds());
}

internal sealed class KeyDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("friendly_name")]
    public string FriendlyName { get; set; } = "";

    [BsonElement("xml")]
    public string Xml { get; set; } = "";

    [BsonElement("created_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime CreatedAt { get; set; }

    public StoredKey ToStoredKey() => new(FriendlyName, Xml, new DateTimeOffset(CreatedAt, TimeSpan.Zero));
}

internal sealed class AuditDocument
{
    /// <summary>The caller's event id, so a retried append hits the _id uniqueness instead of duplicating.</summary>
    [BsonId]
    public string Id { get; set; } = "";

    [BsonElement("occurred_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime OccurredAt { get; set; }

    [BsonElement("actor_id")]
    public string ActorId { get; set; } = "";

    [BsonElement("kind")]
    public string Kind { get; set; } = "";

    [BsonElement("subject_id")]
    [BsonIgnoreIfNull]
    public string? SubjectId { get; set; }

    [BsonElement("trace_id")]
    [BsonIgnoreIfNull]
    public string? TraceId { get; set; }

    [BsonElement("idempotency_key")]
    [BsonIgnoreIfNull]
    public string? IdempotencyKey { get; set; }

    [BsonElement("outcome")]
    [BsonIgnoreIfNull]
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

    public AuditEvent ToAuditEvent() => new(
        Id,
        new DateTimeOffset(OccurredAt, TimeSpan.Zero),
        ActorId,
        Kind,
        SubjectId,
        TraceId,
        IdempotencyKey,
        Outcome);
}
