namespace Rrr.Persistence.Mongo;

/// <summary>
/// Award history, one document per (model, client award id) in <c>_id</c>: a repeated start collides on the
/// id and reads the first document; an update matches only a row that is not COMMITTED yet.
/// </summary>
public sealed class MongoAwardHistory(MongoDatabaseContext context) : IAwardHistoryStore
{
    /// <summary>A model's history, newest first: the index ends in the whole sort (created_at, client award id descending).</summary>
    internal static PortCollection<AwardDocument> Collection { get; } = new(
        "award_history",
        index =>
        [
            index.Ascending(d => d.Id.Model).Descending(d => d.CreatedAt).Descending(d => d.Id.ClientAwardId).Named("ix_model_created_at_award"),
            index.Ascending(d => d.AwardIntentId).Named("ix_award_intent"),
        ],
        "ix_model_created_at");

    private static readonly string CommittedText = AwardStatusText.Of(AwardRecordStatus.Committed);
    private static readonly string ReversedText = AwardStatusText.Of(AwardRecordStatus.Reversed);

    private static FilterDefinitionBuilder<AwardDocument> Filter => Builders<AwardDocument>.Filter;

    private IMongoCollection<AwardDocument> Awards => Collection.In(context);

    public async Task<AwardRecord> StartAsync(AwardRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);

        // The same dialog submitted again collides on _id: its first row is the answer.
        await InsertOnce.TryAsync(Awards, AwardDocument.From(record), cancellationToken);
        return await GetAsync(record.ModelXcnUserId, record.ClientAwardId, cancellationToken)
            ?? throw new InvalidOperationException("The award row was written but cannot be read.");
    }

    public async Task<bool> UpdateAsync(AwardUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        // A committed award only moves on to reversed; a reversed one never changes again.
        var movable = update.Status == AwardRecordStatus.Reversed
            ? Filter.Ne(d => d.Status, ReversedText)
            : Filter.Nin(d => d.Status, [CommittedText, ReversedText]);
        var where = Filter.Eq(d => d.Id, new AwardKeyDocument { Model = update.ModelXcnUserId, ClientAwardId = update.ClientAwardId })
            & movable;
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
        var document = await Awards.Find(Filter.Eq(d => d.Id, key)).FirstOrDefaultAsync(cancellationToken);
        return document?.ToRecord();
    }

    public async Task<AwardRecord?> FindByIntentAsync(string awardIntentId, CancellationToken cancellationToken)
    {
        var document = await Awards.Find(Filter.Eq(d => d.AwardIntentId, awardIntentId)).FirstOrDefaultAsync(cancellationToken);
        return document?.ToRecord();
    }

    public async Task<AwardTotals> TotalsAsync(string modelXcnUserId, string streamId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelXcnUserId);
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var from = BsonTime.From(since);
        var pendingText = AwardStatusText.Of(AwardRecordStatus.Pending);

        // The model's rows of the stream or of today only (the model's index), summed here: a stream or a day is small.
        var rows = await Awards
            .Find(Filter.Eq(d => d.Id.Model, modelXcnUserId) & (Filter.Eq(d => d.StreamId, streamId) | Filter.Gte(d => d.CreatedAt, from)))
            .Project(d => new { d.StreamId, d.Status, d.Points, d.CreatedAt })
            .ToListAsync(cancellationToken);
        var stream = rows.Where(r => r.StreamId == streamId).ToList();
        var streamCommitted = stream.Where(r => r.Status == CommittedText).ToList();
        var todayCommitted = rows.Where(r => r.CreatedAt >= from && r.Status == CommittedText).ToList();
        return new AwardTotals(
            streamCommitted.Sum(r => r.Points), streamCommitted.Count,
            stream.Where(r => r.Status == CommittedText || r.Status == pendingText).Sum(r => r.Points),
            todayCommitted.Sum(r => r.Points), todayCommitted.Count);
    }

    public async Task<AwardHistoryPage> ListAsync(string modelXcnUserId, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelXcnUserId);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        var where = Filter.Eq(d => d.Id.Model, modelXcnUserId);

        var (total, documents) = await MongoPage.ReadAsync(
            context,
            Awards,
            where,
            null,
            where,
            Builders<AwardDocument>.Sort.Descending(d => d.CreatedAt).Descending(d => d.Id.ClientAwardId),
            skip,
            take,
            cancellationToken);
        return new AwardHistoryPage(documents.ConvertAll(d => d.ToRecord()), total);
    }
}
