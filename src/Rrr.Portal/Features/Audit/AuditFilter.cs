using Microsoft.AspNetCore.WebUtilities;

namespace Rrr.Portal.Features.Audit;

/// <summary>
/// The audit filters the page and the CSV export share. Dates are whole UTC days and both ends are inclusive for
/// the admin ("to 2026-11-25" includes that day); the store's exclusive end is the next midnight.
/// </summary>
public sealed record AuditFilter(string? ActorId = null, string? Kind = null, DateOnly? From = null, DateOnly? To = null)
{
    public const string DateFormat = "yyyy-MM-dd";

    public AuditQuery ToQuery(int skip = 0, int take = 50) => new(
        Blank(ActorId),
        Blank(Kind),
        From is { } from ? new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        To is { } to ? new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        skip,
        take);

    /// <summary>The export URL for these filters, relative to the app base.</summary>
    public string ExportUrl()
    {
        var query = new Dictionary<string, string?>(StringComparer.Ordinal);
        Add(query, "actor", Blank(ActorId));
        Add(query, "kind", Blank(Kind));
        Add(query, "from", From?.ToString(DateFormat, CultureInfo.InvariantCulture));
        Add(query, "to", To?.ToString(DateFormat, CultureInfo.InvariantCulture));
        return QueryHelpers.AddQueryString(AuditEndpoints.ExportPath.TrimStart('/'), query);
    }

    /// <summary>Reads the export query string; an unreadable date is a bad request rather than a silently wider export.</summary>
    public static bool TryParse(string? actor, string? kind, string? from, string? to, out AuditFilter filter)
    {
        filter = new AuditFilter(Blank(actor), Blank(kind));
        if (!TryDate(from, out var f) || !TryDate(to, out var t))
        {
            return false;
        }

        filter = filter with { From = f, To = t };
        return true;
    }

    private static bool TryDate(string? text, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateOnly.TryParseExact(text.Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            date = d;
            return true;
        }

        return false;
    }

    private static void Add(Dictionary<string, string?> query, string name, string? value)
    {
        if (value is not null)
        {
            query[name] = value;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
