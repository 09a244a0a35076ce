namespace Rrr.Core.Persistence;

/// <summary>Creates the schema or indexes (idempotently) and answers readiness probes.</summary>
public interface IStoreLifecycle
{
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<bool> IsHealthyAsync(CancellationToken cancellationToken);
}

/// <summary>Durable home of the ASP.NET Core data-protection key ring, so restarts keep sessions.</summary>
public interface IKeyRingStore
{
    Task<IReadOnlyList<StoredKey>> GetAllAsync(CancellationToken cancellationToken);

    /// <summary>Stores a key; saving the same friendly name twice replaces the earlier XML.</summary>
    Task SaveAsync(StoredKey key, CancellationToken cancellationToken);
}

public sealed record StoredKey(string FriendlyName, string Xml, DateTimeOffset CreatedAt);

/// <summary>Append-only audit trail of who did what, and which RRR call it caused.</summary>
public interface IAuditStore
{
    Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken);

    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken);
}

/// <summary>One audit event. Actor and subject are opaque ids, never names or e-mails.</summary>
public sealed record AuditEvent(
    string Id,
    DateTimeOffset OccurredAt,
    string ActorId,
    string Kind,
    string? SubjectId,
    string? TraceId,
    string? IdempotencyKey,
    string? Outcome);

/// <summary>
/// Filters are optional and combine with AND. <c>From</c> is inclusive and <c>To</c> exclusive, so
/// consecutive ranges never count an event twice. Results come newest first.
/// </summary>
public sealed record AuditQuery(
    string? ActorId = null,
    string? Kind = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Skip = 0,
    int Take = 50);

public sealed record AuditPage(IReadOnlyList<AuditEvent> Items, long Total);
