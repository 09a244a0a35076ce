using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;

namespace Rrr.Core.Features.Webhooks;

/// <summary>The event types of the RRR contract (docs/rrr-wire.md, Webhooks).</summary>
public static class RrrEventTypes
{
    public const string PointsPosted = "POINTS_POSTED";
    public const string PointsReversed = "POINTS_REVERSED";
    public const string RedemptionCommitted = "REDEMPTION_COMMITTED";
    public const string RedemptionReversed = "REDEMPTION_REVERSED";
    public const string LinkUpdated = "LINK_UPDATED";
    public const string PromotionStatusChanged = "PROMOTION_STATUS_CHANGED";
    public const string AdjustmentStatusChanged = "ADJUSTMENT_STATUS_CHANGED";
    public const string TransferCompleted = "TRANSFER_COMPLETED";
    public const string TransferReversed = "TRANSFER_REVERSED";

    public static readonly FrozenSet<string> Known = FrozenSet.Create(
        StringComparer.Ordinal,
        PointsPosted, PointsReversed, RedemptionCommitted, RedemptionReversed, LinkUpdated,
        PromotionStatusChanged, AdjustmentStatusChanged, TransferCompleted, TransferReversed);
}

/// <summary>
/// An RRR webhook event reduced to what the portal may keep: the envelope (<c>id, type, created_at</c>)
/// and the allow-listed opaque <c>data</c> fields. <see cref="Data"/> values are strings, longs or null.
/// </summary>
public sealed record RrrEvent(string Id, string Type, string? CreatedAt, IReadOnlyDictionary<string, object?> Data)
{
    public string? ResourceType => GetString("resource_type");

    public string? ResourceId => GetString("resource_id");

    public long? Version => GetLong("version");

    public string? RrrMemberId => GetString("rrr_member_id");

    public string? XcnUserId => GetString("xcn_user_id");

    public string? PromotionId => GetString("promotion_id");

    public string? GetString(string name) => Data.TryGetValue(name, out var value) ? value as string : null;

    public long? GetLong(string name) => Data.TryGetValue(name, out var value) && value is long number ? number : null;
}

/// <summary>
/// Rebuilds an event body from an allow-list, so names, e-mails or anything else RRR might add never
/// reach the store: unknown envelope members, unknown <c>data</c> fields and non-scalar values are dropped.
/// </summary>
public static class RrrEventPayload
{
    public const int MaxIdLength = 200;
    public const int MaxTypeLength = 100;
    private const int MaxValueLength = 256;

    /// <summary>The <c>data</c> fields docs/rrr-wire.md lets the portal keep; nothing else is stored.</summary>
    public static readonly FrozenSet<string> AllowedDataFields = FrozenSet.Create(
        StringComparer.Ordinal,
        "resource_type", "resource_id", "version",
        "rrr_member_id", "xcn_user_id", "counterparty_member_id", "link_id", "status", "points", "entry_id",
        "earn_event_id", "order_number", "quote_id", "redemption_id", "topup_id", "promotion_id",
        "adjustment_id", "award_id", "reason_code");

    /// <summary>
    /// The allow-listed event, or null when the body is not a JSON object with a string <c>id</c> and
    /// <c>type</c> (within <see cref="MaxIdLength"/> and <see cref="MaxTypeLength"/>).
    /// </summary>
    public static RrrEvent? Parse(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            // The whole body must be one JSON value: trailing content is refused, not ignored.
            document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryGetString(root, "id", out var id) || id.Length is 0 or > MaxIdLength
                || !TryGetString(root, "type", out var type) || type.Length is 0 or > MaxTypeLength)
            {
                return null;
            }

            var createdAt = TryGetString(root, "created_at", out var text) && text.Length <= MaxValueLength ? text : null;
            var data = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (root.TryGetProperty("data", out var dataElement) && dataElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in dataElement.EnumerateObject())
                {
                    if (AllowedDataFields.Contains(property.Name) && TryScalar(property.Value, out var value))
                    {
                        data[property.Name] = value;
                    }
                }
            }

            return new RrrEvent(id, type, createdAt, data);
        }
    }

    public static RrrEvent? Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    /// <summary>The stored form: <c>{id, type, created_at, data}</c> with only allow-listed fields.</summary>
    public static string ToJson(RrrEvent rrrEvent)
    {
        ArgumentNullException.ThrowIfNull(rrrEvent);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", rrrEvent.Id);
            writer.WriteString("type", rrrEvent.Type);
            if (rrrEvent.CreatedAt is not null)
            {
                writer.WriteString("created_at", rrrEvent.CreatedAt);
            }

            writer.WritePropertyName("data");
            WriteData(writer, rrrEvent.Data);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The <c>data</c> object alone (what resource state keeps).</summary>
    public static string DataToJson(RrrEvent rrrEvent)
    {
        ArgumentNullException.ThrowIfNull(rrrEvent);
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteData(writer, rrrEvent.Data);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteData(Utf8JsonWriter writer, IReadOnlyDictionary<string, object?> data)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in data)
        {
            if (!AllowedDataFields.Contains(name))
            {
                continue;
            }

            switch (value)
            {
                case string text:
                    writer.WriteString(name, text);
                    break;
                case long number:
                    writer.WriteNumber(name, number);
                    break;
                case null:
                    writer.WriteNull(name);
                    break;
            }
        }

        writer.WriteEndObject();
    }

    private static bool TryGetString(JsonElement element, string name, out string value)
    {
        if (element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String)
        {
            value = property.GetString()!;
            return true;
        }

        value = "";
        return false;
    }

    // Only strings, integers and null: every allowed field is an opaque id, a status or a count, so an
    // object or array under an allowed name is not something the contract sends and is not kept.
    private static bool TryScalar(JsonElement value, out object? result)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when value.GetString() is { Length: <= MaxValueLength } text:
                result = text;
                return true;
            case JsonValueKind.Number when value.TryGetInt64(out var number):
                result = number;
                return true;
            case JsonValueKind.Null:
                result = null;
                return true;
            default:
                result = null;
                return false;
        }
    }
}
