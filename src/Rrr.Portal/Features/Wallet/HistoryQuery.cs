using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Rrr.Portal.Features.Wallet;

/// <summary>
/// The history filter in a query string, shared by the screen's export link and the export endpoint:
/// <c>kind</c> (repeated or comma-separated codes, <see cref="HistoryKinds.Code"/>), <c>from</c> and <c>to</c>
/// (<c>yyyy-MM-dd</c>, UTC days, inclusive). Nothing in it names a member: the export is always the signed-in member's.
/// </summary>
public static class HistoryQuery
{
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>The export URL for <paramref name="filter"/>, relative to the app base.</summary>
    public static string ExportUrl(HistoryFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new List<KeyValuePair<string, string?>>();
        query.AddRange(filter.Kinds.Select(k => new KeyValuePair<string, string?>(HistoryFilter.KindField, HistoryKinds.Code(k))));
        if (filter.From is { } from)
        {
            query.Add(new(HistoryFilter.FromField, from.ToString(DateFormat, CultureInfo.InvariantCulture)));
        }

        if (filter.To is { } to)
        {
            query.Add(new(HistoryFilter.ToField, to.ToString(DateFormat, CultureInfo.InvariantCulture)));
        }

        return QueryHelpers.AddQueryString(HistoryExportEndpoints.ExportPath.TrimStart('/'), query);
    }

    /// <summary>
    /// Reads the filter; an unknown kind or an unreadable date is a field error rather than a silently wider export.
    /// The dates' own rules (<see cref="HistoryFilter.Problems"/>) are checked by the caller, which knows today.
    /// </summary>
    public static bool TryParse(StringValues kind, string? from, string? to, out HistoryFilter filter, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var kinds = new List<HistoryKind>();
        foreach (var code in kind.SelectMany(k => (k ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (HistoryKinds.TryParse(code, out var parsed))
            {
                kinds.Add(parsed);
            }
            else
            {
                // The value sent is not echoed: the answer names what is accepted instead.
                errors[HistoryFilter.KindField] = ["Unknown kind. Use one or more of: " + string.Join(", ", HistoryKinds.All.Select(HistoryKinds.Code)) + "."];
            }
        }

        var fromDate = ReadDate(from, HistoryFilter.FromField, errors);
        var toDate = ReadDate(to, HistoryFilter.ToField, errors);
        filter = new HistoryFilter(kinds, fromDate, toDate);
        return errors.Count == 0;
    }

    private static DateOnly? ReadDate(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors[field] = [$"Use a date as {DateFormat} (a UTC day)."];
        return null;
    }
}
