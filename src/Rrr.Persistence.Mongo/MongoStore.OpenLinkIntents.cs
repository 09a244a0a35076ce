using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Rrr.Core.Features.Links;

namespace Rrr.Persistence.Mongo;

/// <summary>
/// The link intent each XCN user is in the middle of, one document per user (<c>_id</c> = XCN user id).
/// Every write is a single-document operation, so the attempt counter is atomic without a transaction.
/// </summary>
public sealed partial class MongoStore : IOpenLinkIntentStore
{
    internal const string OpenLinkIntentsCollection = "open_link_intents";

    // RRR's intents live 15 minutes; a day later a forgotten row is certainly dead (expiry runs on RRR's clock, not ours).
    private static readonly TimeSpan OpenLinkIntentRetention = TimeSpan.FromDays(1);

    private IMongoCollection<OpenLinkIntentDocument> OpenLinkIntents =>
        database.GetCollection<OpenLinkIntentDocument>(OpenLinkIntentsCollection);

    private async Task InitializeOpenLinkIntentsAsync(CancellationToken cancellationToken) =>
        await OpenLinkIntents.Indexes.CreateOneAsync(
            new CreateIndexModel<OpenLinkIntentDocument>(
                Builders<OpenLinkIntentDocument>.IndexKeys.Ascending(d => d.ExpiresAt),
                new CreateIndexOptions { Name = "ttl_expires_at", ExpireAfter = OpenLinkIntentRetention }),
            cancellationToken: cancellationToken);

    public async Task<OpenLinkIntent?> GetOpenLinkIntentAsync(string xcnUserId, CancellationToken cancellationToken)
    {
        var document = await OpenLinkIntents.Find(Builders<OpenLinkIntentDocument>.Filter.Eq(d => d.Id, xcnUserId))
            .FirstOrDefaultAsync(cancellationToken);
        return document?.ToIntent();
    }

    public async Task SaveOpenLinkIntentAsync(OpenLinkIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        var filter = Builders<OpenLinkIntentDocument>.Filter;

        // Saving the same intent again (a replayed start) keeps its counters; another intent starts afresh.
        var other = filter.Eq(d => d.Id, intent.XcnUserId) & filter.Ne(d => d.IntentId, intent.IntentId);
        var update = Builders<OpenLinkIntentDocument>.Update
            .Set(d => d.IntentId, intent.IntentId)
            .Set(d => d.ExpiresAt, BsonTime.From(intent.ExpiresAt))
            .Set(d => d.AttemptsRemaining, intent.AttemptsRemaining)
            .Set(d => d.ConfirmAttempts, intent.ConfirmAttempts)
            .Set(d => d.CreatedAt, BsonTime.From(intent.CreatedAt));
        try
        {
            await OpenLinkIntents.UpdateOneAsync(other, update, new UpdateOptions { IsUpsert = true }, cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // The user's row already holds this very intent: the upsert's insert collided on _id, nothing to change.
        }
    }

    public async Task<int?> NextConfirmAttemptAsync(string xcnUserId, string intentId, CancellationToken cancellationToken)
    {
        var filter = Builders<OpenLinkIntentDocument>.Filter;
        var document = await OpenLinkIntents.FindOneAndUpdateAsync(
            filter.Eq(d => d.Id, xcnUserId) & filter.Eq(d => d.IntentId, intentId),
            Builders<OpenLinkIntentDocument>.Update.Inc(d => d.ConfirmAttempts, 1),
            new FindOneAndUpdateOptions<OpenLinkIntentDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return document?.ConfirmAttempts;
    }

    public async Task SetAttemptsRemainingAsync(string xcnUserId, string intentId, int attemptsRemaining, CancellationToken cancellationToken)
    {
        var filter = Builders<OpenLinkIntentDocument>.Filter;
        await OpenLinkIntents.UpdateOneAsync(
            filter.Eq(d => d.Id, xcnUserId) & filter.Eq(d => d.IntentId, intentId),
            Builders<OpenLinkIntentDocument>.Update.Set(d => d.AttemptsRemaining, attemptsRemaining),
            cancellationToken: cancellationToken);
    }

    public async Task DeleteOpenLinkIntentAsync(string xcnUserId, string intentId, CancellationToken cancellationToken)
    {
        var filter = Builders<OpenLinkIntentDocument>.Filter;
        await OpenLinkIntents.DeleteOneAsync(filter.Eq(d => d.Id, xcnUserId) & filter.Eq(d => d.IntentId, intentId), cancellationToken);
    }
}

internal sealed class OpenLinkIntentDocument
{
    /// <summary>The XCN user id.</summary>
    [BsonId]
    public string Id { get; set; } = "";

    [BsonElement("intent_id")]
    public string IntentId { get; set; } = "";

    [BsonElement("expires_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime ExpiresAt { get; set; }

    [BsonElement("attempts_remaining")]
    public int AttemptsRemaining { get; set; }

    [BsonElement("confirm_attempts")]
    public int ConfirmAttempts { get; set; }

    [BsonElement("created_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime CreatedAt { get; set; }

    public OpenLinkIntent ToIntent() => new(Id, IntentId, Utc(ExpiresAt), AttemptsRemaining, ConfirmAttempts, Utc(CreatedAt));

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);
}
