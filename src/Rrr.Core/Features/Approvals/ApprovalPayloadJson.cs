namespace Rrr.Core.Features.Approvals;

/// <summary>
/// The stored JSON of what an approval request carries (an adjustment, a promotion round): one spelling for every
/// kind, enums in SNAKE_CASE as RRR writes them, so a payload reads back as it was approved.
/// </summary>
public static class ApprovalPayloadJson
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper) } };

    public static string Serialize<T>(T payload) => JsonSerializer.Serialize(payload, Json);

    /// <param name="kind">Names the payload in the error, e.g. "adjustment".</param>
    public static T Deserialize<T>(string json, string kind) =>
        JsonSerializer.Deserialize<T>(json, Json) ?? throw new FormatException($"Empty {kind} payload.");
}
