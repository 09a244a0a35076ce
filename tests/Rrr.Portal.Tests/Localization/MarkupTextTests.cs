using System.Net;
using System.Text.RegularExpressions;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Localization;

/// <summary>
/// Every text a page shows comes from resources: no literal words in a component's markup or in the attributes
/// people read (labels, titles, hints, accessible names). Reads what the Razor generator made of each .razor file
/// (the portal emits it under obj/), so it sees exactly the literals the page renders, not a guess at Razor's syntax.
/// Names that are the same in every language (RRR, XCN, RedRoomRewards, UTC, CSV) and each language's own name in
/// the switch are allowed.
/// </summary>
public sealed partial class MarkupTextTests
{
    // Attributes and component parameters whose value is read by people or by screen readers.
    private static readonly HashSet<string> ReadAttributes = new(StringComparer.Ordinal)
    {
        "Label", "Title", "Text", "HelperText", "Placeholder", "placeholder", "aria-label", "AriaLabel", "title", "alt",
        "ButtonText", "ConfirmText", "CancelText", "Tooltip", "Hint", "Caption", "Message", "aria-description",
    };

    private static readonly string[] SameInEveryLanguage = ["RRR Portal", "RedRoomRewards", "XXXChatNow", "RRR", "XCN", "UTC", "CSV", "English", "Español"];


    [Fact]
    public void NoComponentShowsLiteralText()
    {
        var files = GeneratedComponents();
        Assert.True(files.Count >= 50, $"only {files.Count} generated components found under {GeneratedRoot()}: build the portal first");

        var problems = files.SelectMany(f => Literals(File.ReadAllText(f)).Select(text => $"{Source(f)}: \"{text}\"")).ToList();

        Assert.True(problems.Count == 0, "Text not taken from resources (IStringLocalizer):\n" + string.Join("\n", problems));
    }

    [Fact]
    public void TheCheckFindsLiteralText()
    {
        const string generated = """
            __builder.AddMarkupContent(1, "<h1 aria-label=\"Hello there\">Your points</h1>\r\n");
            __builder.AddContent(2, "Sign out");
            __builder.AddComponentParameter(3, nameof(global::MudBlazor.MudTextField<string>.
            #line (9,95)-(9,100) "/x/LinkStartStep.razor"
            Label

            #line default
            ), "Points");
            __builder.AddAttribute(4, "class", "pa-4 mt-2");
            __builder.AddContent(5, " · ");
            __builder.AddContent(6, "RRR");
            """;

        Assert.Equal(["Hello there", "Your points", "Sign out", "Points"], Literals(generated));
    }

    internal static IReadOnlyList<string> Literals(string generated)
    {
        // The generator puts #line mappings inside a parameter's nameof(...); without them each call reads as written.
        generated = Directive().Replace(generated, "");
        var found = new List<string>();
        foreach (Match m in Markup().Matches(generated))
        {
            var html = Unescape(m.Groups[1].Value);
            found.AddRange(AttributeInMarkup().Matches(html).Where(a => ReadAttributes.Contains(a.Groups[1].Value)).Select(a => a.Groups[2].Value));
            found.AddRange(Tag().Split(html));
        }

        foreach (Match m in Content().Matches(generated))
        {
            found.Add(Unescape(m.Groups[1].Value));
        }

        foreach (Match m in Attribute().Matches(generated))
        {
            var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            if (ReadAttributes.Contains(name))
            {
                found.Add(Unescape(m.Groups[3].Value));
            }
        }

        return [.. found.Select(t => WebUtility.HtmlDecode(t).Trim()).Where(HasWords)];
    }

    private static bool HasWords(string text)
    {
        foreach (var name in SameInEveryLanguage)
        {
            text = text.Replace(name, "", StringComparison.Ordinal);
        }

        return Word().IsMatch(text);
    }

    private static string Unescape(string csharpLiteral) => Regex.Unescape(csharpLiteral);

    private static string GeneratedRoot()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        return Path.Combine(RepositoryFiles.Root, "src", "Rrr.Portal", "obj", configuration, "net10.0", "generated");
    }

    private static List<string> GeneratedComponents() =>
        Directory.Exists(GeneratedRoot())
            ? [.. Directory.EnumerateFiles(GeneratedRoot(), "*_razor.g.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal)]
            : [];

    // The generator names the source in a checksum pragma; report that, relative to the repository.
    private static string Source(string generatedFile)
    {
        var m = Checksum().Match(File.ReadAllText(generatedFile));
        return m.Success ? Path.GetRelativePath(RepositoryFiles.Root, m.Groups[1].Value.Replace(@"\\", @"\", StringComparison.Ordinal)) : Path.GetFileName(generatedFile);
    }

    [GeneratedRegex("""\.AddMarkupContent\(\d+,\s*"((?:[^"\\]|\\.)*)"\)""")]
    private static partial Regex Markup();

    [GeneratedRegex("""\.AddContent\(\d+,\s*"((?:[^"\\]|\\.)*)"\)""")]
    private static partial Regex Content();

    [GeneratedRegex("""\.Add(?:Attribute|ComponentParameter)\(\d+,\s*(?:"([\w-]+)"|nameof\([^()]*?\.\s*(\w+)\s*\))\s*,\s*"((?:[^"\\]|\\.)*)"\)""")]
    private static partial Regex Attribute();

    [GeneratedRegex("""([\w-]+)="([^"]*)"|([\w-]+)='([^']*)'""")]
    private static partial Regex AttributeInMarkup();

    [GeneratedRegex(@"^\s*#.*$", RegexOptions.Multiline)]
    private static partial Regex Directive();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\p{L}{2,}")]
    private static partial Regex Word();

    [GeneratedRegex("""#pragma checksum "([^"]+)" """)]
    private static partial Regex Checksum();
}
