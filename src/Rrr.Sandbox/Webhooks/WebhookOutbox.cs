namespace Rrr.Sandbox.Webhooks;

/// <summary>An event written to the outbox whose transaction has not been reported committed yet.</summary>
internal sealed record OutboxEvent(string EventId, string Type, IReadOnlyDictionary<string, object?> Data);

/// <summary>
/// Persists each event in the sandbox database and wakes the dispatcher. The body is built once here and
/// sent byte for byte on every attempt, so re-deliveries carry the same id and content.
/// <c>created_at</c> is the sandbox clock (it matches the ledger entries the event describes); retry
/// timing uses real time.
/// </summary>
/// <remarks>
/// The ledger writes its events with <see cref="EnqueueAsync"/> inside its own transaction (the
/// transactional outbox): a crash can no longer commit a change whose event is lost, nor an event whose
/// change rolled back. <see cref="Committed"/> then wakes the dispatcher and the observers.
/// </remarks>
internal sealed partial class WebhookOutbox(
    WebhookStore store,
    WebhookSignal signal,
    SandboxClock sandboxClock,
    TimeProvider realTime,
    IEnumerable<IWebhookEventObserver> observers,
    ILogger<WebhookOutbox> logger)
    : IWebhookPublisher
{
    private readonly IWebhookEventObserver[] _observers = [.. observers];

    /// <summary>Creates the outbox tables; call before opening a transaction that will enqueue.</summary>
    public Task EnsureReadyAsync() => store.EnsureSchemaAsync();

    public async Task<string> PublishAsync(string type, IReadOnlyDictionary<string, object?> data, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync().ConfigureAwait(false);
        var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var written = await EnqueueAsync(transaction, type, data, sandboxClock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                Committed([written]);
                return written.EventId;
            }
        }
    }

    /// <summary>
    /// Writes the event inside the caller's open transaction on the sandbox database; it becomes
    /// deliverable when that transaction commits. Call <see cref="Committed"/> after the commit.
    /// </summary>
    /// <param name="createdAt">Sandbox-clock time of the change the event describes.</param>
    public async Task<OutboxEvent> EnqueueAsync(
        SqliteTransaction transaction, string type, IReadOnlyDictionary<string, object?> data, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(data);
        var now = realTime.GetUtcNow();
        var eventId = EventIds.New(now);
        var created = FormatTimestamp(createdAt);
        var body = BuildBody(eventId, type, created, data);
        await WebhookStore.InsertAsync(transaction, eventId, type, created, now, body, cancellationToken).ConfigureAwait(false);
        return new OutboxEvent(eventId, type, data);
    }

    /// <summary>After the commit: wake the dispatcher and tell the observers.</summary>
    public void Committed(IReadOnlyList<OutboxEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        signal.Notify();
        foreach (var written in events)
        {
            foreach (var observer in _observers)
            {
                try
                {
                    observer.OnCommitted(written.EventId, written.Type, written.Data);
                }
#pragma warning disable CA1031 // The change is committed; an observer's failure must not turn it into an error response.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogObserverFailed(logger, written.EventId, ex.GetType().Name);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A webhook event observer failed for {EventId} ({ErrorType})")]
    private static partial void LogObserverFailed(ILogger logger, string eventId, string errorType);

    internal static string FormatTimestamp(DateTimeOffset value) => Faults.SandboxJson.Timestamp(value);

    internal static string BuildBody(string eventId, string type, string createdAt, IReadOnlyDictionary<string, object?> data)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", eventId);
            writer.WriteString("type", type);
            writer.WriteString("created_at", createdAt);
            writer.WriteStartObject("data");
            foreach (var (name, value) in data)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case DateTimeOffset t:
                // RRR's timestamp format, not the serializer's round-trip one.
                writer.WriteStringValue(FormatTimestamp(t));
                break;
            default:
                // Strings, numbers, booleans, enums, decimals: as the serializer writes them (for the first three, the
                // writer's own Write*Value); data is allow-listed by the caller.
                JsonSerializer.Serialize(writer, value, value.GetType());
                break;
        }
    }
}
