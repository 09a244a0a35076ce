using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Rrr.Core.Features.Awards;

namespace Rrr.Persistence.Mongo;

/// <summary>
/// Award history, one document per (model, client award id) in <c>_id</c>: a repeated start collides on the
/// id and reads the first document; an update matches only a row that is not COMMITTED yet.
/// </summary>
public sealed partial class MongoStore : IAwardHistoryStore
{
    internal const string AwardHistoryCollection = "award_history";

    private static readonly string CommittedText = AwardStatusText.Of(AwardRecordStatus.Committed);

    private IMongoCollection<AwardDocument> Awards => database.GetCollection<AwardDocument>(AwardHistoryCollection);

    /// <summary>Indexes of this part; called from <see cref="InitializeAsync"/>.</summary>
    private async Task InitializeAwardHistoryAsync(CancellationToken cancellationToken)
    {
        await Awards.Indexes.CreateOneAsync(
            new CreateIndexModel<AwardDocument>(
                Builders<AwardDocument>.IndexKeys.Ascending(d => d.Id.Model).Descending(d => d.CreatedAt),
                new CreateIndexOptions { Name = "ix_model_created_at" }),
            cancellationToken: cancellationToken);
    }

    public async Task<AwardRecord> StartAsync(AwardRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await Awards.InsertOneAsync(AwardDocument.From(record), cancellationToken: cancellationToken);
            return (await GetAsync(record.ModelXcnUserId, record.ClientAwardId, cancellationToken))!;
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // The same dialog submitted again: its first row is the answer.
            return await GetAsync(record.ModelXcnUserId, record.ClientAwardId, cancellationToken)
                ?? throw new InvalidOperationException("The award row collided but cannot be read.");
        }
    }

    public async Task<bool> UpdateAsync(AwardUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var filter = Builders<AwardDocument>.Filter;
        var where = filter.Eq(d => d.Id, new AwardKeyDocument { Model = update.ModelXcnUserId, ClientAwardId = update.ClientAwardId })
            & filter.Ne(d => d.Status, CommittedText);
        var set = Builders<AwardDocument>.Update
            .Set(d => d.Status, AwardStatusText.Of(update.Status))
            .Set(d => d.FailureCode, update.FailureCode)
            .Set(d => d.UpdatedAt, BsonTime.From(update.UpdatedAt));

        // Ids learnt earlier stay when this update has none (as COALESCE does in SQLite).
        if (update.AwardIntentId is not null)
        {
            set = set.Set(d => d.AwardIntentId, update.AwardIntentId);
        }

        if (update.AwardId is not null)
        {
            set = set.Set(d => d.AwardId, update.AwardId);
        }

        if (update.TraceId is not null)
        {
            set = set.Set(d => d.TraceId, update.TraceId);
        }

        if (update.CommittedAt is { } committedAt)
        {
            set = set.Set(d => d.CommittedAt, BsonTime.From(committedAt));
        }

        var result = await Awards.UpdateOneAsync(where, set, cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<AwardRecord?> GetAsync(string modelXcnUserId, string clientAwardId, CancellationToken cancellationToken)
    {
        var key = new AwardKeyDocument { Model = modelXcnUserId, ClientAwardId = clientAwardId };
        var document = await Awards.Find(Builders<AwardDocument>.Filter.Eq(d => d.Id, key)).FirstOrDefaultAsync(cancellationToken);
        return document?.ToRecord();
    }

    public async Task<AwardHistoryPage> ListAsync(string modelXcnUserId, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelXcnUserId);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        var where = Builders<AwardDocument>.Filter.Eq(d => d.Id.Model, modelXcnUserId);
        var total = await Awards.CountDocumentsAsync(where, cancellationToken: cancellationToken);
        var documents = await Awards.Find(where)
            .Sort(Builders<AwardDocument>.Sort.Descending(d => d.CreatedAt).Descending(d => d.Id.ClientAwardId))
            .Skip(skip)
            .Limit(take)
            .ToListAsync(cancellationToken);
        return new AwardHistoryPage(documents.ConvertAll(d => d.ToRecord()), total);
    }
}

internal sealed class AwardKeyDocument
{
    [BsonElement("model")]
    public string Model { get; set; } = "";

    [BsonElement("client_award_id")]
    public string ClientAwardId { get; set; } = "";
}

internal sealed class AwardDocument
{
    [BsonId]
    public AwardKeyDocument Id { get; set; } = new();

    [BsonElement("model_member_id")]
    public string ModelMemberId { get; set; } = "";

    [BsonElement("viewer_xcn_user_id")]
    public string ViewerXcnUserId { get; set; } = "";

    [BsonElement("points")]
    public long Points { get; set; }

    [BsonElement("room_id")]
    public string RoomId { get; set; } = "";

    [BsonElement("stream_id")]
    public string StreamId { get; set; } = "";

    [BsonElement("status")]
    public string Status { get; set; } = "";

    [BsonElement("award_intent_id")]
    public string? AwardIntentId { get; set; }

    [BsonElement("award_id")]
    public string? AwardId { get; set; }

    [BsonElement("failure_code")]
    public string? FailureCode { get; set; }

    [BsonElement("trace_id")]
    public string? TraceId { get; set; }

    [BsonElement("created_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime CreatedAt { get; set; }

    [BsonElement("updated_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime UpdatedAt { get; set; }

    [BsonElement("committed_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime? CommittedAt { get; set; }

    public static AwardDocument From(AwardRecord r) => new()
    {
        Id = new AwardKeyDocument { Model = r.ModelXcnUserId, ClientAwardId = r.ClientAwardId },
        ModelMemberId = r.ModelMemberId,
        ViewerXcnUserId = r.ViewerXcnUserId,
        Points = r.Points,
        RoomId = r.RoomId,
        StreamId = r.StreamId,
        Status = AwardStatusText.Of(r.Status),
        AwardIntentId = r.AwardIntentId,
        AwardId = r.AwardId,
        FailureCode = r.FailureCode,
        TraceId = r.TraceId,
        CreatedAt = BsonTime.From(r.CreatedAt),
        UpdatedAt = BsonTime.From(r.UpdatedAt),
        CommittedAt = r.CommittedAt is { } c ? BsonTime.From(c) : null,
    };

    public AwardRecord ToRecord() => new(
        Id.Model, Id.ClientAwardId, ModelMemberId, ViewerXcnUserId, Points, RoomId, StreamId, AwardStatusText.Parse(Status),
        AwardIntentId, AwardId, FailureCode, TraceId, Utc(CreatedAt), Utc(UpdatedAt), CommittedAt is { } c ? Utc(c) : null);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);
}
