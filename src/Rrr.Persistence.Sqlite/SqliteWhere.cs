namespace Rrr.Persistence.Sqlite;

/// <summary>
/// A WHERE clause assembled only from the callers' constant fragments; every value is a parameter. Leaving
/// out unused filters (rather than "@x IS NULL OR ...") lets SQLite pick the index that fits the filters given.
/// </summary>
internal sealed class SqliteWhere
{
    private readonly StringBuilder text = new();
    private readonly List<(string Name, object Value)> values = [];

    public SqliteWhere And(string condition, params (string Name, object Value)[] parameters)
    {
        text.Append(text.Length == 0 ? " WHERE " : " AND ").Append(condition);
        values.AddRange(parameters);
        return this;
    }

    /// <summary>Adds <paramref name="condition"/> only when the filter <paramref name="value"/> is given.</summary>
    public SqliteWhere AndIfGiven(string condition, string parameter, string? value) =>
        value is null ? this : And(condition, (parameter, value));

    /// <summary>Another clause that starts as this one, for a statement that adds conditions of its own.</summary>
    public SqliteWhere Copy()
    {
        var copy = new SqliteWhere();
        copy.text.Append(text);
        copy.values.AddRange(values);
        return copy;
    }

    // A parameter object belongs to one command, so each command binds its own.
    public void Bind(SqliteParameterCollection parameters)
    {
        foreach (var (name, value) in values)
        {
            parameters.AddWithValue(name, value);
        }
    }

    public override string ToString() => text.ToString();
}
