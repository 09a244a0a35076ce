using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Rrr.Sandbox.Api;

/// <summary>RFC 9457 problem responses in the shape docs/rrr-wire.md pins (<c>code</c>, <c>trace_id</c>, extras).</summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    public static Task WriteAsync(HttpContext http, int status, string code, string detail, IReadOnlyDictionary<string, object?>? extras = null)
    {
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = "https://sandbox.rrr.local/problems/" + code,
            ["title"] = Title(code),
            ["status"] = status,
            ["detail"] = detail,
            ["code"] = code,
            ["trace_id"] = Ledger.RequestAmbient.TraceId ?? http.TraceIdentifier,
        };
        foreach (var (name, value) in extras ?? new Dictionary<string, object?>())
        {
            body[name] = value;
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = ContentType;
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return JsonSerializer.SerializeAsync(http.Response.Body, body, options, http.RequestAborted);
    }

    private static string Title(string code)
    {
        var words = code.Replace('_', ' ');
        return char.ToUpper(words[0], CultureInfo.InvariantCulture) + words[1..];
    }
}

/// <summary>Collects field errors of one request so a caller sees all of them at once (422 validation_failed).</summary>
internal sealed class RequestErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public string Required(string? value, string field, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "This field is required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }

        return value ?? "";
    }

    public string OneOf(string? value, string field, IReadOnlyCollection<string> allowed)
    {
        if (value is null || !allowed.Contains(value))
        {
            Add(field, "Must be one of " + string.Join(", ", allowed) + ".");
        }

        return value ?? "";
    }

    public void Check(bool ok, string field, string message)
    {
        if (!ok)
        {
            Add(field, message);
        }
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new Ledger.LedgerProblem(422, "validation_failed", "The request is not valid.", new Dictionary<string, object?>
            {
                ["errors"] = _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal),
            });
        }
    }

    private void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }
}
