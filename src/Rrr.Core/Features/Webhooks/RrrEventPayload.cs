namespace Rrr.Core.Features.Webhooks;

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
        "adjustment_id", "award_id", "award_intent_id", "reason_code");

    // The allowed names again, looked up by a span of the (unescaped) property name so reading a
    // body allocates no name strings; the value is the one shared string instance.
    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> AllowedByName =
        AllowedDataFields.ToFrozenDictionary(name => name, name => name, StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    /// <summary>
    /// The allow-listed event, or null when the body is not a JSON object with a string <c>id</c> and
    /// <c>type</c> (within <see cref="MaxIdLength"/> and <see cref="MaxTypeLength"/>).
    /// </summary>
    /// <remarks>
    /// One forward pass with <see cref="Utf8JsonReader"/> (no document, no name strings). It keeps
    /// the rules a <see cref="JsonDocument"/> lookup had: a repeated member counts with its last
    /// occurrence (and only the last <c>data</c> object is read), a repeated data field keeps its
    /// first position and its last scalar value, and the whole body must be one JSON value.
    /// </remarks>
    public static RrrEvent? Parse(ReadOnlyMemory<byte> utf8Json) => Parse(utf8Json.Span);

    /// <inheritdoc cref="Parse(ReadOnlyMemory{byte})"/>
    public static RrrEvent? Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return Read(utf8Json);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // A string that is not valid UTF-8 (the reader checks it only when the value is decoded).
            return null;
        }
    }

    private static RrrEvent? Read(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? id = null, type = null, createdAt = null;
        Dictionary<string, object?>? data = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                id = ReadEnvelopeString(ref reader);
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                type = ReadEnvelopeString(ref reader);
            }
            else if (reader.ValueTextEquals("created_at"u8))
            {
                createdAt = ReadEnvelopeString(ref reader);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                data = ReadData(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Anything after the root object (other than whitespace) is refused, not ignored.
        if (reader.Read())
        {
            return null;
        }

        if (id is not { Length: > 0 and <= MaxIdLength } || type is not { Length: > 0 and <= MaxTypeLength })
        {
            return null;
        }

        return new RrrEvent(id, type, createdAt is { Length: <= MaxValueLength } ? createdAt : null, data ?? []);
    }

    /// <summary>The member's value when it is a string, else null (its value is skipped).</summary>
    private static string? ReadEnvelopeString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    /// <summary>The allow-listed scalar fields of a <c>data</c> value; empty when it is not an object.</summary>
    private static Dictionary<string, object?> ReadData(ref Utf8JsonReader reader)
    {
        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return data;
        }

        Span<char> nameBuffer = stackalloc char[128];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Unescaped, a name never has more chars than its raw bytes; a longer one is not allowed anyway.
            string? name = null;
            if (!reader.HasValueSequence && reader.ValueSpan.Length <= nameBuffer.Length)
            {
                var length = reader.CopyString(nameBuffer);
                AllowedByName.TryGetValue(nameBuffer[..length], out name);
            }

            reader.Read();
            if (name is not null && TryScalar(ref reader, out var value))
            {
                data[name] = value;
            }
            else
            {
                reader.Skip();
            }
        }

        return data;
    }

    public static RrrEvent? Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    /// <summary>The stored form: <c>{id, type, created_at, data}</c> with only allow-listed fields.</summary>
    public static string ToJson(RrrEvent rrrEvent)
    {
        ArgumentNullException.ThrowIfNull(rrrEvent);
        var writer = RentWriter(out var buffer);
        writer.WriteStartObject();
        writer.WriteString(IdName, rrrEvent.Id);
        writer.WriteString(TypeName, rrrEvent.Type);
        if (rrrEvent.CreatedAt is not null)
        {
            writer.WriteString(CreatedAtName, rrrEvent.CreatedAt);
        }

        writer.WritePropertyName(DataName);
        WriteData(writer, rrrEvent.Data);
        writer.WriteEndObject();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The <c>data</c> object alone (what resource state keeps).</summary>
    public static string DataToJson(RrrEvent rrrEvent)
    {
        ArgumentNullException.ThrowIfNull(rrrEvent);
        var writer = RentWriter(out var buffer);
        WriteData(writer, rrrEvent.Data);
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText CreatedAtName = JsonEncodedText.Encode("created_at");
    private static readonly JsonEncodedText DataName = JsonEncodedText.Encode("data");
    private static readonly FrozenDictionary<string, JsonEncodedText> EncodedDataNames =
        AllowedDataFields.ToFrozenDictionary(name => name, name => JsonEncodedText.Encode(name), StringComparer.Ordinal);

    // One writer and buffer per thread, reset for each event: both calls above finish synchronously,
    // so nothing else on the thread can be using them meanwhile.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? threadWriter;

    private static Utf8JsonWriter RentWriter(out ArrayBufferWriter<byte> buffer)
    {
        buffer = threadBuffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var writer = threadWriter ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        return writer;
    }

    private static void WriteData(Utf8JsonWriter writer, IReadOnlyDictionary<string, object?> data)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in data)
        {
            if (!EncodedDataNames.TryGetValue(name, out var encodedName))
            {
                continue;
            }

            switch (value)
            {
                case string text:
                    writer.WriteString(encodedName, text);
                    break;
                case long number:
                    writer.WriteNumber(encodedName, number);
                    break;
                case null:
                    writer.WriteNull(encodedName);
                    break;
            }
        }

        writer.WriteEndObject();
    }

    // Only strings, integers and null: every allowed field is an opaque id, a status or a count, so an
    // object or array under an allowed name is not something the contract sends and is not kept.
    private static bool TryScalar(ref Utf8JsonReader reader, out object? result)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String when reader.GetString() is { Length: <= MaxValueLength } text:
                result = text;
                return true;
            case JsonTokenType.Number when reader.TryGetInt64(out var number):
                result = number;
                return true;
            case JsonTokenType.Null:
                result = null;
                return true;
            default:
                result = null;
                return false;
        }
    }
}
