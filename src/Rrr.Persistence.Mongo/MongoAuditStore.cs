namespace Rrr.Persistence.Mongo;

/// <summary>
/// The audit trail, newest first. Every index ends in the query's sort (occurred_at, _id descending), so a
/// page is read in index order instead of sorting every matching event in memory.
/// </summary>
public sealed class MongoAuditStore(MongoDatabaseContext context) : IAuditStore
{
    internal static PortCollection<AuditDocument> Collection { get; } = new(
        "audit_events",
        index =>
        [
            index.Descending(a => a.OccurredAt).Descending(a => a.Id).Named("ix_occurred_at_id"),
            index.Ascending(a => a.ActorId).Descending(a => a.OccurredAt).Descending(a => a.Id).Named("ix_actor_occurred_at_id"),
            index.Ascending(a => a.Kind).Descending(a => a.OccurredAt).Descending(a => a.Id).Named("ix_kind_occurred_at_id"),
            index.Ascending(a => a.ActorId).Ascending(a => a.Kind).Descending(a => a.OccurredAt).Descending(a => a.Id)
                .Named("ix_actor_kind_occurred_at_id"),
        ],
        "ix_occurred_at", "ix_actor_occurred_at", "ix_kind_occurred_at", "ix_actor_kind_occurred_at");

    private IMongoCollection<AuditDocument> Audit => Collection.In(context);

    public async Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);

        // Same event id already stored: a retried append, which must not become a second entry.
        await InsertOnce.TryAsync(Audit, AuditDocument.From(auditEvent), cancellationToken);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        AuditQueryRules.Validate(query);
        var filter = Builders<AuditDocument>.Filter;
        var where = filter.Empty.AndEqIfGiven(a => a.ActorId, query.ActorId).AndEqIfGiven(a => a.Kind, query.Kind);
        if (query.From is { } from)
        {
            where &= filter.Gte(a => a.OccurredAt, BsonTime.From(from));
        }

        if (query.To is { } to)
        {
            where &= filter.Lt(a => a.OccurredAt, BsonTime.From(to));
        }

        var page = where;
        if (query.Before is { } before)
        {
            var at = BsonTime.From(before.OccurredAt);
            page &= filter.Lt(a => a.OccurredAt, at) | (filter.Eq(a => a.OccurredAt, at) & filter.Lt(a => a.Id, before.Id));
        }

        var (counted, documents) = await MongoPage.ReadAsync(
            context,
            Audit,
            query.CountTotal ? where : null,
            new CountOptions { Limit = query.CountUpTo + 1L },
            page,
            Builders<AuditDocument>.Sort.Descending(a => a.OccurredAt).Descending(a => a.Id),
            query.Skip,
            query.Take,
            cancellationToken);
        return AuditQueryRules.Page(documents.ConvertAll(d => d.ToAuditEvent()), counted, query);
    }
}
