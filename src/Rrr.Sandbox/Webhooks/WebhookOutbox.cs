using System.Text;
using System.Text.Json;
using Rrr.Sandbox.Clock;

namespace Rrr.Sandbox.Webhooks;

/// <summary>
/// Persists each published event in the sandbox database and wakes the dispatcher. The body is built once
/// here and sent byte for byte on every attempt, so re-deliveries carry the same id and content.
/// <c>created_at</c> is the sandbox clock (it matches the ledger entries the event describes); retry
/// timing uses real time.
/// </summary>
internal sealed class WebhookOutbox(WebhookStore store, WebhookSignal signal, SandboxClock sandboxClock, TimeProvider realTime)
    : IWebhookPublisher
{
    public async Task<string> PublishAsync(string type, IReadOnlyDictionary<string, object?> data, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(data);
        var now = realTime.GetUtcNow();
        var eventId = EventIds.New(now);
        var createdAt = FormatTimestamp(sandboxClock.GetUtcNow());
        var body = BuildBody(eventId, type, createdAt, data);
        await store.InsertAsync(eventId, type, createdAt, now, body, cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return eventId;
    }

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
            case string s:
                writer.WriteStringValue(s);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case DateTimeOffset t:
                writer.WriteStringValue(FormatTimestamp(t));
                break;
            default:
                // Anything else (enums, decimals) goes out as the serializer writes it; data is allow-listed by the caller.
                JsonSerializer.Serialize(writer, value, value.GetType());
                break;
        }
    }
}
