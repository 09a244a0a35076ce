using System.Reflection;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using Rrr.Persistence.Mongo;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>
/// The stored field names of every MongoDB document, filled and empty, checked without a server: the
/// names production already holds must not move when the mapping is refactored (conventions vs attributes).
/// </summary>
public sealed class MongoDocumentShapeTests
{
    public static TheoryData<string, string, string> Shapes => new()
    {
        // document type, element names when every member is set, element names of a new (empty) document
        { "OutboxKeyDocument", "order_number kind", "order_number kind" },
        { "OutboxDocument", "_id(order_number kind) xcn_user_id product amount currency occurred_at accepted_at status attempts next_attempt_at lease_owner lease_until earn_event_id points result_status last_error updated_at key_generation membership_plan tier held_until", "_id(order_number kind) xcn_user_id product occurred_at accepted_at status attempts next_attempt_at updated_at" },
        { "CheckoutOrderDocument", "_id xcn_user_id status version body created_at updated_at", "_id xcn_user_id status version body created_at updated_at" },
        { "KeyDocument", "_id friendly_name xml created_at", "_id friendly_name xml created_at" },
        { "AuditDocument", "_id occurred_at actor_id kind subject_id trace_id idempotency_key outcome", "_id occurred_at actor_id kind" },
        { "OpenLinkIntentDocument", "_id intent_id expires_at attempts_remaining confirm_attempts created_at", "_id intent_id expires_at attempts_remaining confirm_attempts created_at" },
        { "RrrCallDocument", "_id started_at operation method path_template idempotency_key trace_id attempt status_code error_code outcome latency_ms replayed", "_id started_at operation method path_template trace_id attempt outcome latency_ms replayed" },
        { "AwardKeyDocument", "model client_award_id", "model client_award_id" },
        { "AwardDocument", "_id(model client_award_id) model_member_id viewer_xcn_user_id points room_id stream_id status award_intent_id award_id failure_code trace_id created_at updated_at committed_at", "_id(model client_award_id) model_member_id viewer_xcn_user_id points room_id stream_id status award_intent_id award_id failure_code trace_id created_at updated_at committed_at" },
        { "WalletSnapshotDocument", "_id wallet as_of fetched_at version", "_id wallet as_of fetched_at version" },
        { "LinkSnapshotDocument", "_id link fetched_at version", "_id link fetched_at version" },
        { "ApprovalRequestDocument", "_id kind subject_id payload_json payload_version required_xcn requires_rrr maker_id status created_at expires_at revision outcome_external_id outcome_status outcome_version outcome_error outcome_updated_at", "_id kind subject_id payload_json payload_version required_xcn requires_rrr maker_id status created_at expires_at revision outcome_external_id outcome_status outcome_version outcome_error outcome_updated_at" },
        { "ApprovalLogDocument", "_id request_id action actor_id actor_role payload_version reason at detail previous_hash hash key_id", "_id request_id action actor_id actor_role payload_version reason at detail previous_hash hash" },
        { "NotificationDocument", "_id recipient kind values(s) created_at read_at", "_id recipient kind values() created_at" },
        { "InboxDocument", "_id type received_at payload status attempts next_attempt_at claimed_by lease_until outcome last_error processed_at", "_id type received_at payload status attempts next_attempt_at" },
        { "ResourceKey", "resource_type resource_id", "resource_type resource_id" },
        { "ResourceVersionDocument", "_id(resource_type resource_id) version event_id event_type data applied_at", "_id(resource_type resource_id) version event_id event_type data applied_at" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Document_KeepsItsStoredFieldNames_AndRoundTripsTimesAsUtc(string typeName, string filled, string empty)
    {
        var type = typeof(MongoRegistration).Assembly.GetType($"Rrr.Persistence.Mongo.{typeName}", throwOnError: true)!;

        var full = Fill(type);
        var bson = full.ToBsonDocument(type);
        var readBack = BsonSerializer.Deserialize(bson, type);

        Assert.Equal(filled, Names(bson));
        Assert.Equal(empty, Names(Activator.CreateInstance(type, nonPublic: true)!.ToBsonDocument(type)));
        Assert.Equal(bson, readBack.ToBsonDocument(type));
        foreach (var time in type.GetProperties().Where(p => p.PropertyType == typeof(DateTime) || p.PropertyType == typeof(DateTime?)))
        {
            Assert.Equal(DateTimeKind.Utc, ((DateTime?)time.GetValue(readBack))?.Kind);
        }
    }

    private static string Names(BsonDocument document) =>
        string.Join(" ", document.Elements.Select(e => e.Value is BsonDocument nested ? $"{e.Name}({Names(nested)})" : e.Name));

    /// <summary>An instance with every writable member set to a non-default value.</summary>
    private static object Fill(Type type)
    {
        var instance = Activator.CreateInstance(type, nonPublic: true)!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object value = target switch
            {
                _ when target == typeof(string) => "s",
                _ when target == typeof(int) => 2,
                _ when target == typeof(long) => 3L,
                _ when target == typeof(bool) => true,
                _ when target == typeof(DateTime) => new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc),
                _ when target == typeof(ObjectId) => ObjectId.GenerateNewId(),
                _ when target == typeof(Dictionary<string, string>) => new Dictionary<string, string> { ["s"] = "s" },
                _ => Fill(target),
            };
            property.SetValue(instance, value);
        }

        return instance;
    }
}
