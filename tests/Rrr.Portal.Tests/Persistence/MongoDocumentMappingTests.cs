using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using Rrr.Core.Features.Audit;
using Rrr.Persistence.Mongo;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>Checks the stored BSON shape without a server, so it is covered on every run.</summary>
public sealed class MongoDocumentMappingTests
{
    [Fact]
    public void AuditDocument_UsesSnakeCaseFieldsAndTheEventIdAsKey()
    {
        var auditEvent = new AuditEvent(
            "e1", new DateTimeOffset(2025, 3, 1, 14, 0, 0, TimeSpan.FromHours(2)), "actor-1", "wallet.redeem",
            "subject-1", "trace-1", "redeem_order_1", "ok");

        var bson = AuditDocument.From(auditEvent).ToBsonDocument();

        Assert.Equal(
            ["_id", "occurred_at", "actor_id", "kind", "subject_id", "trace_id", "idempotency_key", "outcome"],
            bson.Names);
        Assert.Equal("e1", bson["_id"].AsString);
        Assert.Equal(new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc), bson["occurred_at"].ToUniversalTime());
    }

    [Fact]
    public void AuditDocument_OmitsAbsentOptionalFields_AndRoundTrips()
    {
        var auditEvent = new AuditEvent(
            "e2", new DateTimeOffset(2025, 3, 1, 12, 0, 0, 123, TimeSpan.Zero), "actor-1", "link.create",
            null, null, null, null);

        var bson = AuditDocument.From(auditEvent).ToBsonDocument();
        var readBack = BsonSerializer.Deserialize<AuditDocument>(bson).ToAuditEvent();

        Assert.Equal(["_id", "occurred_at", "actor_id", "kind"], bson.Names);
        Assert.Equal(auditEvent, readBack);
    }
}
