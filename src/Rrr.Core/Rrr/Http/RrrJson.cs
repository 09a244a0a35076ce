namespace Rrr.Core.Rrr.Http;

/// <summary>The one set of JSON rules for the RRR wire (docs/rrr-wire.md, "Conventions").</summary>
public static class RrrJson
{
    /// <summary>
    /// snake_case names, UPPER_SNAKE enums, money amounts as strings, UTC timestamps with <c>Z</c>.
    /// Nulls are left out when writing, so optional request fields are simply absent.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
        options.Converters.Add(new MoneyJsonConverter());
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>Writes <see cref="Money"/> with its amount as an invariant decimal string; reads a string or a number.</summary>
public sealed class MoneyJsonConverter : JsonConverter<Money>
{
    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Money must be a JSON object with amount and currency.");
        }

        decimal? amount = null;
        string? currency = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new JsonException("Malformed money object.");
            }

            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "amount":
                    amount = ReadAmount(ref reader);
                    break;
                case "currency":
                    currency = reader.GetString();
                    break;
                default:
                    // Unknown members are ignored on the RRR wire.
                    reader.Skip();
                    break;
            }
        }

        if (amount is null || string.IsNullOrEmpty(currency))
        {
            throw new JsonException("Money needs both amount and currency.");
        }

        return new Money(amount.Value, currency);
    }

    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        writer.WriteString("amount", value.Amount.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("currency", value.Currency);
        writer.WriteEndObject();
    }

    private static decimal ReadAmount(ref Utf8JsonReader reader)
    {
        // The contract says string; a number is accepted too so a lenient peer never breaks a read.
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.GetDecimal();
        }

        if (reader.TokenType == JsonTokenType.String
            && decimal.TryParse(reader.GetString(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        throw new JsonException("Money amount must be a decimal string such as \"12.50\".");
    }
}

/// <summary>Writes timestamps as ISO 8601 UTC with a trailing <c>Z</c> (the pinned wire form); reads any offset.</summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
    }
}
