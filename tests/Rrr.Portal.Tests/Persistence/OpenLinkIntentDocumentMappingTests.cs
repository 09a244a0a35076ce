using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using Rrr.Core.Features.Links;
using Rrr.Persistence.Mongo;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>The stored BSON shape of an open link intent, checked without a server so it runs every time.</summary>
public sealed class OpenLinkIntentDocumentMappingTests
{
    [Fact]
    public void OpenLinkIntent_IsKeyedByTheXcnUser_WithSnakeCaseFields_AndRoundTrips()
    {
        var document = new OpenLinkIntentDocument
        {
            Id = "xcn_u_1002",
            IntentId = "li_1",
            ExpiresAt = new DateTime(2026, 3, 1, 12, 15, 0, DateTimeKind.Utc),
            AttemptsRemaining = 4,
            ConfirmAttempts = 1,
            CreatedAt = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc),
        };

        var bson = document.ToBsonDocument();
        var readBack = BsonSerializer.Deserialize<OpenLinkIntentDocument>(bson).ToIntent();

        Assert.Equal(["_id", "intent_id", "expires_at", "attempts_remaining", "confirm_attempts", "created_at"], bson.Names);
        Assert.Equal(
            new OpenLinkIntent("xcn_u_1002", "li_1", new DateTimeOffset(2026, 3, 1, 12, 15, 0, TimeSpan.Zero), 4, 1,
                new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)),
            readBack);
    }
}
