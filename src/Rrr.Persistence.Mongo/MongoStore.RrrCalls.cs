using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Rrr.Core.Rrr.Http;

namespace Rrr.Persistence.Mongo;

/// <summary>The RRR call log: one document per attempt, read by trace id or idempotency key.</summary>
public sealed partial class MongoStore : IRrrCallLog
{
    internal const string RrrCallsCollection = "rrr_calls";

    // GetCollection is a cheap handle, so this part needs no field set by the constructor.
    private IMongoCollection<RrrCallDocument> RrrCalls => database.GetCollection<RrrCallDocument>(RrrCallsCollection);

    public async Task RecordAsync(RrrCallRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await RrrCalls.InsertOneAsync(RrrCallDocument.From(record), cancellationToken: cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // Same record id already stored: a retried write, not a second attempt.
        }
    }

    public async Task<RrrCallPage> QueryAsync(RrrCallQuery query, CancellationToken cancellationToken)
    {
        RrrCallQueryRules.Validate(query);
        var filter = Builders<RrrCallDocument>.Filter;
        var where = filter.Empty;
        if (query.TraceId is not null)
        {
            where &= filter.Eq(c => c.TraceId, query.TraceId);
        }

        if (query.IdempotencyKey is not null)
        {
            where &= filter.Eq(c => c.IdempotencyKey, query.IdempotencyKey);
        }

        var total = await RrrCalls.CountDocumentsAsync(where, cancellationToken: cancellationToken);
        var documents = await RrrCalls.Find(where)
            .Sort(Builders<RrrCallDocument>.Sort.Descending(c => c.StartedAt).Descending(c => c.Attempt).Descending(c => c.Id))
            .Skip(query.Skip)
            .Limit(query.Take)
            .ToListAsync(cancellationToken);
        return new RrrCallPage(documents.ConvertAll(d => d.ToRecord()), total);
    }

    private async Task InitializeRrrCallsAsync(CancellationToken cancellationToken)
    {
        var index = Builders<RrrCallDocument>.IndexKeys;
        await RrrCalls.Indexes.CreateManyAsync(
            [
                new CreateIndexModel<RrrCallDocument>(
                    index.Descending(c => c.StartedAt),
                    new CreateIndexOptions { Name = "ix_started_at" }),
                new CreateIndexModel<RrrCallDocument>(
                    index.Ascending(c => c.TraceId).Descending(c => c.StartedAt),
                    new CreateIndexOptions { Name = "ix_trace_started_at" }),
                new CreateIndexModel<RrrCallDocument>(
                    index.Ascending(c => c.IdempotencyKey).Descending(c => c.StartedAt),
                    new CreateIndexOptions { Name = "ix_key_started_at" }),
            ],
            cancellationToken);
    }
}

/// <summary>The stored shape of <see cref="RrrCallRecord"/>, owned here so record renames never change stored data.</summary>
internal sealed class RrrCallDocument
{
    [BsonId]
    public string Id { get; set; } = "";

    [BsonElement("started_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime StartedAt { get; set; }

    [BsonElement("operation")]
    public string Operation { get; set; } = "";

    [BsonElement("method")]
    public string Method { get; set; } = "";

    [BsonElement("path_template")]
    public string PathTemplate { get; set; } = "";

    [BsonElement("idempotency_key")]
    [BsonIgnoreIfNull]
    public string? IdempotencyKey { get; set; }

    [BsonElement("trace_id")]
    public string TraceId { get; set; } = "";

    [BsonElement("attempt")]
    public int Attempt { get; set; }

    [BsonElement("status_code")]
    [BsonIgnoreIfNull]
    public int? StatusCode { get; set; }

    [BsonElement("error_code")]
    [BsonIgnoreIfNull]
    public string? ErrorCode { get; set; }

    [BsonElement("outcome")]
    public string Outcome { get; set; } = "";

    [BsonElement("latency_ms")]
    public long LatencyMs { get; set; }

    [BsonElement("replayed")]
    public bool Replayed { get; set; }

    public static RrrCallDocument From(RrrCallRecord record) => new()
    {
        Id = record.Id,
        StartedAt = BsonTime.From(record.StartedAt),
        Operation = record.Operation,
        Method = record.Method,
        PathTemplate = record.PathTemplate,
        IdempotencyKey = record.IdempotencyKey,
        TraceId = record.TraceId,
        Attempt = record.Attempt,
        StatusCode = record.StatusCode,
        ErrorCode = record.ErrorCode,
        Outcome = record.Outcome.ToString(),
        LatencyMs = record.LatencyMs,
        Replayed = record.Replayed,
    };

    public RrrCallRecord ToRecord() => new(
        Id,
        new DateTimeOffset(StartedAt, TimeSpan.Zero),
        Operation,
        Method,
        PathTemplate,
        IdempotencyKey,
        TraceId,
        Attempt,
        StatusCode,
        ErrorCode,
        Enum.Parse<RrrCallOutcome>(Outcome),
        LatencyMs,
        Replayed);
}
