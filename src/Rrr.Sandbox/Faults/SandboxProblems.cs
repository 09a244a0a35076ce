namespace Rrr.Sandbox.Faults;

/// <summary>JSON conventions of the wire (snake_case, enums as UPPER_SNAKE) for the sandbox extras.</summary>
internal static class SandboxJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper), new UtcTimestampConverter() },
    };

    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Timestamps go out as ISO 8601 UTC with a Z, as the wire pins them.</summary>
    private sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Timestamp(value));
    }

    public static IResult Ok<T>(T value, int statusCode = StatusCodes.Status200OK) =>
        Results.Json(value, Options, statusCode: statusCode);
}

/// <summary>RFC 9457 problems in the shape docs/rrr-wire.md pins (<c>code</c>, <c>trace_id</c>, <c>errors</c>).</summary>
internal static class SandboxProblems
{
    public const string TypeBase = "https://sandbox.rrr.local/problems/";

    public static IResult Result(HttpContext http, int status, string code, string title, string detail,
        IReadOnlyDictionary<string, string[]>? errors = null) =>
        Results.Json(Body(http, status, code, title, detail, errors), SandboxJson.Options, "application/problem+json", status);

    public static IResult Validation(HttpContext http, string field, string message) =>
        Result(http, StatusCodes.Status400BadRequest, "validation_failed", "Validation failed", message,
            new Dictionary<string, string[]> { [field] = [message] });

    public static IResult NotFound(HttpContext http, string detail) =>
        Result(http, StatusCodes.Status404NotFound, "not_found", "Not found", detail);

    /// <summary>Writes a problem straight to the response (for middleware that short-circuits).</summary>
    public static Task WriteAsync(HttpContext http, int status, string code, string title, string detail) =>
        Result(http, status, code, title, detail).ExecuteAsync(http);

    private static Dictionary<string, object?> Body(HttpContext http, int status, string code, string title, string detail,
        IReadOnlyDictionary<string, string[]>? errors)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = TypeBase + code,
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
            ["code"] = code,
            ["trace_id"] = TraceId(http),
        };
        if (errors is not null)
        {
            body["errors"] = errors;
        }

        return body;
    }

    private static string TraceId(HttpContext http)
    {
        var header = http.Request.Headers["X-Request-Trace"].ToString();
        if (!string.IsNullOrEmpty(header))
        {
            return header;
        }

        return Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
    }

    /// <summary>Reads a JSON body into <typeparamref name="T"/>; null (with a problem) when it is not valid JSON of that shape.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadJsonAsync<T>(HttpContext http)
        where T : class
    {
        try
        {
            var value = await http.Request.ReadFromJsonAsync<T>(SandboxJson.Options, http.RequestAborted).ConfigureAwait(false);
            return value is null
                ? (null, Validation(http, "body", "A JSON object is required."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return (null, Validation(http, field, "The value is not valid for this field."));
        }
        catch (InvalidOperationException)
        {
            // Wrong or missing Content-Type.
            return (null, Validation(http, "body", "Send application/json."));
        }
    }
}
