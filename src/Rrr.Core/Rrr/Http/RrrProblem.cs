using System.Net.Http.Json;

namespace Rrr.Core.Rrr.Http;

/// <summary>An RFC 9457 problem as RRR sends it, plus the per-code extension members.</summary>
public sealed record RrrProblem
{
    public const string MediaType = "application/problem+json";

    public string? Type { get; init; }

    public string? Title { get; init; }

    public int Status { get; init; }

    public string? Detail { get; init; }

    /// <summary>One of <see cref="RrrErrorCodes"/>; <c>http_{status}</c> when RRR sent no problem body.</summary>
    public string Code { get; init; } = "";

    public string? TraceId { get; init; }

    /// <summary><c>{field_name: [message, ...]}</c> for validation_failed.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>Members beyond the standard ones, e.g. <c>attempts_remaining</c>, <c>earn_event_id</c>.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extensions { get; init; }

    public static bool IsProblem(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return string.Equals(response.Content.Headers.ContentType?.MediaType, MediaType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Reads the problem body of a failed response. A body that is missing or not a problem still yields a
    /// problem (code <c>http_{status}</c>), so callers always get a status and a code.
    /// </summary>
    public static async Task<RrrProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        if (IsProblem(response))
        {
            try
            {
                var problem = await response.Content.ReadFromJsonAsync<RrrProblem>(RrrJson.Options, cancellationToken);
                if (problem is not null)
                {
                    return problem with
                    {
                        Status = problem.Status == 0 ? status : problem.Status,
                        Code = string.IsNullOrEmpty(problem.Code) ? FallbackCode(response.StatusCode) : problem.Code,
                    };
                }
            }
            catch (JsonException)
            {
                // A malformed problem body is still a failure with a status; fall through to the fallback.
            }
        }

        return new RrrProblem
        {
            Status = status,
            Title = response.ReasonPhrase,
            Code = FallbackCode(response.StatusCode),
        };
    }

    /// <summary>The <c>code</c> member alone, without throwing on anything (used by the audit, per attempt).</summary>
    internal static string? TryReadCode(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String
                    ? code.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Retry-After as a delay from <paramref name="now"/> (delta seconds or an HTTP date), if present.</summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };
    }

    private static string FallbackCode(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => RrrErrorCodes.Unauthorized,
        HttpStatusCode.NotFound => RrrErrorCodes.NotFound,
        HttpStatusCode.ServiceUnavailable => RrrErrorCodes.ServiceUnavailable,
        _ => string.Create(CultureInfo.InvariantCulture, $"http_{(int)status}"),
    };
}
