using System.Text.Json;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Api;

/// <summary>
/// Checks an <see cref="ApiExchange"/> against the portal's OpenAPI document (read with System.Text.Json):
/// the path and method are described, the status is one of the operation's documented responses, the response
/// media type is documented, a JSON answer has the documented schema's required properties (and no undescribed
/// ones, except the extensions RFC 9457 allows in problem details), and an accepted request sent the described
/// required headers and only described body properties.
/// </summary>
public sealed class OpenApiContract(JsonElement document)
{
    public static OpenApiContract Parse(string json) => new(JsonDocument.Parse(json).RootElement.Clone());

    public IReadOnlyList<string> Violations(ApiExchange exchange)
    {
        var problems = new List<string>();
        var where = $"{exchange.Method} {exchange.Path} -> {exchange.Status} (from {exchange.Source})";
        if (!document.GetProperty("paths").TryGetProperty(exchange.Path, out var pathItem))
        {
            problems.Add($"{where}: the path is not in the OpenAPI document.");
            return problems;
        }

        if (!pathItem.TryGetProperty(exchange.Method.ToLowerInvariant(), out var operation))
        {
            problems.Add($"{where}: the method is not described for this path.");
            return problems;
        }

        var responses = operation.GetProperty("responses");
        var status = exchange.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!responses.TryGetProperty(status, out var response) && !responses.TryGetProperty("default", out response))
        {
            problems.Add($"{where}: status {status} is not documented (documented: {string.Join(", ", responses.EnumerateObject().Select(r => r.Name))}).");
            return problems;
        }

        CheckResponseBody(exchange, response, where, problems);
        if (exchange.Status is >= 200 and < 300)
        {
            CheckRequest(exchange, operation, where, problems);
        }

        return problems;
    }

    private void CheckResponseBody(ApiExchange exchange, JsonElement response, string where, List<string> problems)
    {
        if (exchange.ResponseBody.Length == 0)
        {
            return;
        }

        var mediaType = MediaType(exchange.ResponseContentType);
        if (!response.TryGetProperty("content", out var content))
        {
            problems.Add($"{where}: a body ({mediaType}) came back, the document describes none.");
            return;
        }

        if (!content.TryGetProperty(mediaType, out var media))
        {
            problems.Add($"{where}: media type {mediaType} is not documented (documented: {string.Join(", ", content.EnumerateObject().Select(c => c.Name))}); body starts: {Start(exchange.ResponseBody)}");
            return;
        }

        if (!mediaType.EndsWith("json", StringComparison.Ordinal) || !media.TryGetProperty("schema", out var schema))
        {
            return;
        }

        JsonElement body;
        try
        {
            body = JsonDocument.Parse(exchange.ResponseBody).RootElement.Clone();
        }
        catch (JsonException)
        {
            problems.Add($"{where}: the {mediaType} body is not JSON.");
            return;
        }

        CheckObject(body, Resolve(schema), allowExtensions: mediaType == "application/problem+json", $"{where}: response", problems);
    }

    private void CheckRequest(ApiExchange exchange, JsonElement operation, string where, List<string> problems)
    {
        if (operation.TryGetProperty("parameters", out var parameters))
        {
            foreach (var parameter in parameters.EnumerateArray().Select(Resolve))
            {
                if (parameter.GetProperty("in").GetString() == "header"
                    && parameter.TryGetProperty("required", out var required) && required.GetBoolean()
                    && !exchange.RequestHeaders.Contains(parameter.GetProperty("name").GetString()!.ToLowerInvariant()))
                {
                    problems.Add($"{where}: accepted without the required header {parameter.GetProperty("name").GetString()}.");
                }
            }
        }

        if (exchange.RequestBody.Length == 0 || MediaType(exchange.RequestContentType) != "application/json"
            || !operation.TryGetProperty("requestBody", out var requestBody)
            || !requestBody.GetProperty("content").TryGetProperty("application/json", out var media)
            || !media.TryGetProperty("schema", out var schema))
        {
            return;
        }

        try
        {
            CheckObject(JsonDocument.Parse(exchange.RequestBody).RootElement.Clone(), Resolve(schema), allowExtensions: false, $"{where}: request", problems, checkRequired: false);
        }
        catch (JsonException)
        {
            problems.Add($"{where}: accepted a request body that is not JSON.");
        }
    }

    private static void CheckObject(JsonElement value, JsonElement schema, bool allowExtensions, string where, List<string> problems, bool checkRequired = true)
    {
        if (value.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties))
        {
            return;
        }

        if (checkRequired && schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!).Where(n => !value.TryGetProperty(n, out _)))
            {
                problems.Add($"{where} lacks the required property '{name}'.");
            }
        }

        var open = allowExtensions || (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind != JsonValueKind.False);
        if (!open)
        {
            foreach (var property in value.EnumerateObject().Where(p => !properties.TryGetProperty(p.Name, out _)))
            {
                problems.Add($"{where} has the undocumented property '{property.Name}' (documented: {string.Join(", ", properties.EnumerateObject().Select(p => p.Name))}).");
            }
        }
    }

    /// <summary>Follows a local <c>$ref</c> (<c>#/components/...</c>).</summary>
    private JsonElement Resolve(JsonElement element)
    {
        while (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("$ref", out var reference))
        {
            var target = document;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
            {
                target = target.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }

            element = target;
        }

        return element;
    }

    private static string Start(byte[] body) => System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 160)).ReplaceLineEndings(" ");

    private static string MediaType(string? contentType) =>
        (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
}
