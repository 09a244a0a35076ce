namespace Rrr.Core.Features.Webhooks;

/// <summary>
/// Durable inbox of verified RRR webhook events, unique by event id. Processing is lease-based, so
/// several portal instances sharing one store never work on the same event at the same time.
/// Times are passed in by the caller (its <see cref="TimeProvider"/>), so adapters hold no clock.
/// </summary>
public interface IWebhookInbox
{
    /// <summary>Stores the event unless one with the same id is already there (a re-delivery).</summary>
    Task<InboxAddResult> TryAddAsync(InboxEvent inboxEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Adds several events in one durable write (one transaction where the adapter has them); the
    /// results are in the order of <paramref name="events"/>. A repeated id within the batch is a duplicate.
    /// </summary>
    Task<IReadOnlyList<InboxAddResult>> TryAddManyAsync(IReadOnlyList<InboxEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="max"/> pending events that are due (oldest first) to
    /// <paramref name="owner"/> until <paramref name="leaseUntil"/>, counting one attempt each. Events
    /// leased by someone else stay invisible until their lease runs out (a crashed instance).
    /// </summary>
    Task<IReadOnlyList<ClaimedInboxEvent>> ClaimAsync(
        string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Marks a claimed event done; false when the lease was lost to another owner meanwhile.</summary>
    Task<bool> MarkProcessedAsync(
        string eventId, string owner, InboxOutcome outcome, DateTimeOffset processedAt, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="MarkProcessedAsync"/> for several events in one durable write; one flag per completion,
    /// in order (false: the lease was lost).
    /// </summary>
    Task<IReadOnlyList<bool>> MarkProcessedManyAsync(
        string owner, IReadOnlyList<InboxCompletion> completions, DateTimeOffset processedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Records a failed attempt (<paramref name="errorClass"/> is an exception type name, never a
    /// message that could carry data) and releases the lease: due again at <paramref name="retryAt"/>,
    /// or dead (<see cref="InboxStatus.Failed"/>) when that is null.
    /// </summary>
    Task<bool> MarkFailedAsync(
        string eventId, string owner, string errorClass, DateTimeOffset? retryAt, CancellationToken cancellationToken);

    Task<InboxRecord?> GetAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>How many events are stored, optionally only those with <paramref name="status"/>.</summary>
    Task<long> CountAsync(InboxStatus? status, CancellationToken cancellationToken);

    /// <summary>When the oldest event still waiting for processing (pending, leased or not) was received; null when none waits.</summary>
    Task<DateTimeOffset?> OldestPendingReceivedAtAsync(CancellationToken cancellationToken);

    /// <summary>Deletes events received before <paramref name="receivedBefore"/> whatever their status (30-day retention).</summary>
    Task<long> PurgeAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken);
}

/// <summary>
/// Latest known version of each RRR resource, as told by webhooks. An event older than or equal to
/// what is stored never overwrites it, so out-of-order and repeated deliveries are harmless.
/// </summary>
public interface IResourceVersions
{
    Task<ResourceApplyResult> TryApplyAsync(ResourceState state, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="TryApplyAsync"/> for several states in order, in one durable write where the adapter
    /// has transactions; a later state of the same resource is compared with the earlier ones.
    /// </summary>
    Task<IReadOnlyList<ResourceApplyResult>> TryApplyManyAsync(IReadOnlyList<ResourceState> states, CancellationToken cancellationToken);

    Task<ResourceState?> GetAsync(string resourceType, string resourceId, CancellationToken cancellationToken);
}

public enum InboxAddResult
{
    Added,
    Duplicate,
}

public enum InboxStatus
{
    Pending,
    Processed,
    Failed,
}

/// <summary>What processing made of an event.</summary>
public enum InboxOutcome
{
    /// <summary>Newer than what was known: state updated, subscribers told.</summary>
    Applied,

    /// <summary>Not newer than what was known (out of order or repeated): nothing changed.</summary>
    Stale,

    /// <summary>An event type (or shape) this portal does not act on; acknowledged and kept for the record.</summary>
    Ignored,
}

public enum ResourceApplyResult
{
    Applied,
    Stale,
}

/// <summary>
/// One verified event as stored. <see cref="Payload"/> is the allow-listed JSON
/// (<see cref="RrrEventPayload"/>), never the raw body.
/// </summary>
public sealed record InboxEvent(string EventId, string Type, DateTimeOffset ReceivedAt, string Payload);

public sealed record ClaimedInboxEvent(InboxEvent Event, int Attempts);

public readonly record struct InboxCompletion(string EventId, InboxOutcome Outcome);

public sealed record InboxRecord(
    InboxEvent Event,
    InboxStatus Status,
    int Attempts,
    InboxOutcome? Outcome,
    string? LastError,
    DateTimeOffset? ProcessedAt,
    string? ClaimedBy,
    DateTimeOffset? LeaseUntil);

/// <summary>
/// A resource's state as of <see cref="Version"/>: <see cref="Data"/> is the allow-listed <c>data</c>
/// object of the event that set it (JSON).
/// </summary>
public sealed record ResourceState(
    string ResourceType,
    string ResourceId,
    long Version,
    string EventId,
    string EventType,
    string Data,
    DateTimeOffset AppliedAt);

/// <summary>The stored spelling of statuses and outcomes, shared by the adapters so both hold the same values.</summary>
internal static class InboxCodes
{
    private static readonly CodeTable<InboxStatus> Statuses = new(
        fallback: (InboxStatus.Failed, "failed"), (InboxStatus.Pending, "pending"), (InboxStatus.Processed, "processed"));

    private static readonly CodeTable<InboxOutcome> Outcomes = new(
        fallback: (InboxOutcome.Ignored, "ignored"), (InboxOutcome.Applied, "applied"), (InboxOutcome.Stale, "stale"));

    public static string StatusText(InboxStatus status) => Statuses.Text(status);

    public static InboxStatus ParseStatus(string text) => Statuses.Parse(text);

    public static string OutcomeText(InboxOutcome outcome) => Outcomes.Text(outcome);

    public static InboxOutcome ParseOutcome(string text) => Outcomes.Parse(text);
}
