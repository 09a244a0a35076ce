using System.Text.RegularExpressions;
using System.Xml.Linq;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Localization;

/// <summary>
/// English and Spanish are complete: every resource file has its Spanish twin with the same keys, no empty
/// texts, the same placeholders (a "{1}" missing in one language would drop a figure), and no text left in
/// English. A Spanish text may equal the English one only when its comment says why (a brand, a code).
/// </summary>
public sealed partial class ResourceParityTests
{
    public static TheoryData<string> EnglishResources()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root, "src"), "*.resx", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                     .Where(f => Path.GetFileNameWithoutExtension(f).IndexOf('.', StringComparison.Ordinal) < 0)
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryFiles.Root, file));
        }

        return data;
    }

    [Fact]
    public void ThePortalHasResources()
    {
        Assert.True(EnglishResources().Count >= 3, "no resource files found under src/");
    }

    [Theory]
    [MemberData(nameof(EnglishResources))]
    public void EachResource_HasACompleteSpanishTwin(string englishPath)
    {
        var english = Read(Path.Combine(RepositoryFiles.Root, englishPath));
        var spanishPath = Path.ChangeExtension(Path.Combine(RepositoryFiles.Root, englishPath), ".es.resx");
        Assert.True(File.Exists(spanishPath), $"{englishPath} has no Spanish twin ({Path.GetFileName(spanishPath)})");
        var spanish = Read(spanishPath);

        var problems = new List<string>();
        problems.AddRange(english.Keys.Except(spanish.Keys).Select(k => $"{k}: missing in Spanish"));
        problems.AddRange(spanish.Keys.Except(english.Keys).Select(k => $"{k}: only in Spanish"));
        foreach (var (key, en) in english)
        {
            if (string.IsNullOrWhiteSpace(en.Value))
            {
                problems.Add($"{key}: empty in English");
            }

            if (!spanish.TryGetValue(key, out var es))
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(es.Value))
            {
                problems.Add($"{key}: empty in Spanish");
            }

            if (!Placeholders(en.Value).SetEquals(Placeholders(es.Value)))
            {
                problems.Add($"{key}: placeholders differ ({string.Join(",", Placeholders(en.Value))} vs {string.Join(",", Placeholders(es.Value))})");
            }

            if (en.Value == es.Value && HasWords(en.Value) && string.IsNullOrWhiteSpace(es.Comment))
            {
                problems.Add($"{key}: Spanish equals English (\"{en.Value}\"); translate it, or say why in the Spanish entry's comment");
            }
        }

        Assert.True(problems.Count == 0, englishPath + ":\n" + string.Join("\n", problems));
    }

    private static Dictionary<string, (string Value, string? Comment)> Read(string path) =>
        XDocument.Load(path).Root!.Elements("data").ToDictionary(
            d => (string)d.Attribute("name")!,
            d => ((string?)d.Element("value") ?? "", (string?)d.Element("comment")),
            StringComparer.Ordinal);

    private static HashSet<string> Placeholders(string text) =>
        [.. PlaceholderPattern().Matches(text).Select(m => m.Groups[1].Value)];

    // Words, not just figures and symbols ("{0} · {1}" needs no translation).
    private static bool HasWords(string text) => WordPattern().IsMatch(PlaceholderPattern().Replace(text, ""));

    [GeneratedRegex(@"\{(\d+)(?:[,:][^}]*)?\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"\p{L}{2,}")]
    private static partial Regex WordPattern();
}
