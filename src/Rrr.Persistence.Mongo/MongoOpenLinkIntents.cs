namespace Rrr.Persistence.Mongo;

/// <summary>
/// The link intent each XCN user is in the middle of, one document per user (<c>_id</c> = XCN user id).
/// Every write is a single-document operation, so the attempt counter is atomic without a transaction.
/// </summary>
public sealed class MongoOpenLinkIntents(MongoDatabaseContext context) : IOpenLinkIntentStore
{
    // RRR's intents live 15 minutes; a day later a forgotten row is certainly dead (expiry runs on RRR's clock, not ours).
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    internal static PortCollection<OpenLinkIntentDocument> Collection { get; } = new(
        "open_link_intents", index => [index.Ascending(d => d.ExpiresAt).Named("ttl_expires_at", expireAfter: Retention)]);

    private static FilterDefinitionBuilder<OpenLinkIntentDocument> Filter => Builders<OpenLinkIntentDocument>.Filter;

    private IMongoCollection<OpenLinkIntentDocument> Intents => Collection.In(context);

    public async Task<OpenLinkIntent?> GetOpenLinkIntentAsync(string xcnUserId, CancellationToken cancellationToken) =>
        (await Intents.Find(Filter.Eq(d => d.Id, xcnUserId)).FirstOrDefaultAsync(cancellationToken))?.ToIntent();

    public async Task SaveOpenLinkIntentAsync(OpenLinkIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);

        // Saving the same intent again (a replayed start) keeps its counters; another intent starts afresh.
        var other = Filter.Eq(d => d.Id, intent.XcnUserId) & Filter.Ne(d => d.IntentId, intent.IntentId);
        var update = Builders<OpenLinkIntentDocument>.Update
            .Set(d => d.IntentId, intent.IntentId)
            .Set(d => d.ExpiresAt, BsonTime.From(intent.ExpiresAt))
            .Set(d => d.AttemptsRemaining, intent.AttemptsRemaining)
            .Set(d => d.ConfirmAttempts, intent.ConfirmAttempts)
            .Set(d => d.CreatedAt, BsonTime.From(intent.CreatedAt));
        try
        {
            await Intents.UpdateOneAsync(other, update, new UpdateOptions { IsUpsert = true }, cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // The user's row already holds this very intent: the upsert's insert collided on _id, nothing to change.
        }
    }

    public async Task<int?> NextConfirmAttemptAsync(string xcnUserId, string intentId, CancellationToken cancellationToken)
    {
        var document = await Intents.FindOneAndUpdateAsync(
            This(xcnUserId, intentId),
            Builders<OpenLinkIntentDocument>.Update.Inc(d => d.ConfirmAttempts, 1),
            new FindOneAndUpdateOptions<OpenLinkIntentDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return document?.ConfirmAttempts;
    }

    public Task SetAttemptsRemainingAsync(string xcnUserId, string intentId, int attemptsRemaining, CancellationToken cancellationToken) =>
        Intents.UpdateOneAsync(
            This(xcnUserId, intentId),
            Builders<OpenLinkIntentDocument>.Update.Set(d => d.AttemptsRemaining, attemptsRemaining),
            cancellationToken: cancellationToken);

    public Task DeleteOpenLinkIntentAsync(string xcnUserId, string intentId, CancellationToken cancellationToken) =>
        Intents.DeleteOneAsync(This(xcnUserId, intentId), cancellationToken);

    private static FilterDefinition<OpenLinkIntentDocument> This(string xcnUserId, string intentId) =>
        Filter.Eq(d => d.Id, xcnUserId) & Filter.Eq(d => d.IntentId, intentId);
}

internal sealed class OpenLinkIntentDocument
{
    /// <summary>The XCN user id.</summary>
    public string Id { get; set; } = "";

    public string IntentId { get; set; } = "";

    public DateTime ExpiresAt { get; set; }

    public int AttemptsRemaining { get; set; }

    public int ConfirmAttempts { get; set; }

    public DateTime CreatedAt { get; set; }

    public OpenLinkIntent ToIntent() => new(Id, IntentId, BsonTime.Utc(ExpiresAt), AttemptsRemaining, ConfirmAttempts, BsonTime.Utc(CreatedAt));
}
