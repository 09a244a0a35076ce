namespace Rrr.Persistence.Mongo;

/// <summary>
/// The RRR call log: one document per attempt, read by trace id or idempotency key, newest first. The
/// indexes end in the query's whole sort (started_at, attempt, _id descending).
/// </summary>
public sealed class MongoRrrCallLog(MongoDatabaseContext context) : IRrrCallLog
{
    internal static PortCollection<RrrCallDocument> Collection { get; } = new(
        "rrr_calls",
        index =>
        [
            index.Descending(c => c.StartedAt).Descending(c => c.Attempt).Descending(c => c.Id).Named("ix_started_at_attempt_id"),
            index.Ascending(c => c.TraceId).Descending(c => c.StartedAt).Descending(c => c.Attempt).Descending(c => c.Id)
                .Named("ix_trace_started_at_attempt_id"),
            index.Ascending(c => c.IdempotencyKey).Descending(c => c.StartedAt).Descending(c => c.Attempt).Descending(c => c.Id)
                .Named("ix_key_started_at_attempt_id"),
        ],
        "ix_started_at", "ix_trace_started_at", "ix_key_started_at");

    private IMongoCollection<RrrCallDocument> Calls => Collection.In(context);

    public async Task RecordAsync(RrrCallRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);

        // Same record id already stored: a retried write, not a second attempt.
        await InsertOnce.TryAsync(Calls, RrrCallDocument.From(record), cancellationToken);
    }

    public async Task<RrrCallPage> QueryAsync(RrrCallQuery query, CancellationToken cancellationToken)
    {
        RrrCallQueryRules.Validate(query);
        var where = Builders<RrrCallDocument>.Filter.Empty
            .AndEqIfGiven(c => c.TraceId, query.TraceId)
            .AndEqIfGiven(c => c.IdempotencyKey, query.IdempotencyKey);

        var (total, documents) = await MongoPage.ReadAsync(
            context,
            Calls,
            where,
            null,
            where,
            Builders<RrrCallDocument>.Sort.Descending(c => c.StartedAt).Descending(c => c.Attempt).Descending(c => c.Id),
            query.Skip,
            query.Take,
            cancellationToken);
        return new RrrCallPage(documents.ConvertAll(d => d.ToRecord()), total);
    }
}

/// <summary>The stored shape of <see cref="RrrCallRecord"/>, owned here so record renames never change stored data.</summary>
[OmitNullFields]
internal sealed class RrrCallDocument
{
    public string Id { get; set; } = "";

    public DateTime StartedAt { get; set; }

    public string Operation { get; set; } = "";

    public string Method { get; set; } = "";

    public string PathTemplate { get; set; } = "";

    public string? IdempotencyKey { get; set; }

    public string TraceId { get; set; } = "";

    public int Attempt { get; set; }

    public int? StatusCode { get; set; }

    public string? ErrorCode { get; set; }

    public string Outcome { get; set; } = "";

    public long LatencyMs { get; set; }

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
        Id, BsonTime.Utc(StartedAt), Operation, Method, PathTemplate, IdempotencyKey, TraceId, Attempt, StatusCode, ErrorCode,
        Enum.Parse<RrrCallOutcome>(Outcome), LatencyMs, Replayed);
}
