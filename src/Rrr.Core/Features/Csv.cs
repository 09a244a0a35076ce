namespace Rrr.Core.Features;

/// <summary>
/// The one RFC 4180 CSV writer of the portal's exports (audit trail, member history): CRLF rows, a cell quoted
/// only when it holds a comma, a quote or a line break. A text cell a spreadsheet would run as a formula gets a
/// leading apostrophe: ids, references and codes come from outside (RRR, XCN, people) and must never execute when
/// someone opens the file. Numbers are written as numbers: <c>-200</c> points is a value, not a formula.
/// </summary>
public static class Csv
{
    public const string LineEnd = "\r\n";

    /// <summary>ISO 8601 in UTC with milliseconds and <c>Z</c>, the one timestamp format of every export.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A text cell: neutralises formula prefixes, then quotes when the cell holds a comma, quote or line break.</summary>
    public static string Escape(string? cell)
    {
        var value = cell ?? "";
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>A row of text cells.</summary>
    public static Task WriteRowAsync(TextWriter writer, IReadOnlyList<string?> cells)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(cells);
        return writer.WriteAsync(string.Join(',', cells.Select(Escape)) + LineEnd);
    }

    /// <summary>A row of typed cells (text escaped, numbers as they are).</summary>
    public static Task WriteRowAsync(TextWriter writer, IReadOnlyList<CsvCell> cells)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(cells);
        return writer.WriteAsync(string.Join(',', cells.Select(c => c.Encoded)) + LineEnd);
    }
}

/// <summary>One cell, already encoded: text through <see cref="Csv.Escape"/>, a number invariant and unescaped.</summary>
public readonly record struct CsvCell
{
    private CsvCell(string encoded) => Encoded = encoded;

    public string Encoded { get; }

    public static CsvCell Text(string? value) => new(Csv.Escape(value));

    public static CsvCell Number(long value) => new(value.ToString(CultureInfo.InvariantCulture));
}
