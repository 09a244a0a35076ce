namespace Rrr.Sandbox.Webhooks;

/// <summary>A row of the delivery log: one attempt (also what the dispatcher records after it).</summary>
public sealed record WebhookAttempt(
    string EventId,
    string Type,
    int Attempt,
    DateTimeOffset AttemptedAt,
    int? ResponseStatus,
    string? Error,
    long DurationMs,
    string State,
    DateTimeOffset? NextAttemptAt);

/// <summary>An event with its delivery summary.</summary>
public sealed record WebhookEventSummary(
    string EventId,
    string Type,
    string CreatedAt,
    string State,
    int Attempts,
    int? LastStatus,
    string? LastError,
    DateTimeOffset? NextAttemptAt);
