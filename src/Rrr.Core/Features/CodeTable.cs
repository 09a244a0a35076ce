using System.Runtime.CompilerServices;

namespace Rrr.Core.Features;

/// <summary>
/// Both directions between an enum and the text a store keeps for it, from one list of pairs, so writing and
/// reading can never disagree. The text is owned by the list, never the member's name: renaming a member
/// changes no stored row.
/// </summary>
public sealed class CodeTable<TEnum>
    where TEnum : struct, Enum
{
    private readonly FrozenDictionary<TEnum, string> texts;
    private readonly FrozenDictionary<string, TEnum> values;
    private readonly (TEnum Value, string Text)? fallback;
    private readonly string name;

    /// <summary>A strict table: a member or a text not listed is a bug or a damaged row, and throws.</summary>
    /// <param name="name">What the text is, for the error: "approval status".</param>
    public CodeTable(string name, params (TEnum Value, string Text)[] pairs)
        : this(name, null, pairs)
    {
    }

    /// <summary>A lenient table: whatever is not listed is <paramref name="fallback"/>, both ways.</summary>
    public CodeTable((TEnum Value, string Text) fallback, params (TEnum Value, string Text)[] pairs)
        : this("", fallback, pairs)
    {
    }

    private CodeTable(string name, (TEnum Value, string Text)? fallback, (TEnum Value, string Text)[] pairs)
    {
        this.name = name;
        this.fallback = fallback;
        texts = pairs.ToFrozenDictionary(p => p.Value, p => p.Text);
        values = pairs.ToFrozenDictionary(p => p.Text, p => p.Value, StringComparer.Ordinal);
    }

    public string Text(TEnum value, [CallerArgumentExpression(nameof(value))] string? paramName = null) =>
        texts.TryGetValue(value, out var text) ? text
        : fallback?.Text ?? throw new ArgumentOutOfRangeException(paramName);

    public TEnum Parse(string text) =>
        text is not null && values.TryGetValue(text, out var value) ? value
        : fallback?.Value ?? throw new FormatException($"Unknown {name}.");
}
