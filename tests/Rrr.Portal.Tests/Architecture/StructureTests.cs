using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Architecture;

/// <summary>
/// The structure issue 12 asked for, kept by tests so it cannot drift back: Core knows no store driver,
/// classes stay small (partial files summed), and razor files hold markup, not pages of logic.
/// </summary>
public sealed class StructureTests
{
    private const int MaxClassLines = 300;
    private const int MaxRazorLines = 150;

    private static readonly string Source = Path.Combine(RepositoryFiles.Root, "src");

    [Fact]
    public void Core_ReferencesNoStoreDriver_InItsProjectOrItsAssembly()
    {
        var project = XDocument.Load(Path.Combine(Source, "Rrr.Core", "Rrr.Core.csproj"));
        var packages = project.Descendants("PackageReference").Select(p => (string?)p.Attribute("Include")).ToList();
        var assemblies = typeof(Core.Persistence.StorePorts).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain(packages, p => p is "MongoDB.Driver" or "Microsoft.Data.Sqlite");
        Assert.DoesNotContain(assemblies, a => a is not null && (a.StartsWith("MongoDB.", StringComparison.Ordinal) || a.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal)));
    }

    [Fact]
    public void NoClass_IsOver300Lines_CountingItsPartialFiles()
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in SourceFiles("*.cs"))
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file), cancellationToken: TestContext.Current.CancellationToken).GetRoot(TestContext.Current.CancellationToken);
            foreach (var type in root.DescendantNodes().OfType<BaseTypeDeclarationSyntax>().Where(t => t.Parent is not BaseTypeDeclarationSyntax))
            {
                var span = type.GetLocation().GetLineSpan();
                var name = $"{Namespace(type)}.{type.Identifier.Text}";
                lines[name] = lines.GetValueOrDefault(name) + (span.EndLinePosition.Line - span.StartLinePosition.Line + 1);
            }
        }

        var tooLong = lines.Where(l => l.Value > MaxClassLines).OrderByDescending(l => l.Value).Select(l => $"{l.Key}: {l.Value}").ToList();

        Assert.True(lines.Count > 100, $"only {lines.Count} types found under {Source}");
        Assert.True(tooLong.Count == 0, "Over " + MaxClassLines + " lines: " + string.Join(", ", tooLong));
    }

    [Fact]
    public void NoRazorFile_IsOver150Lines()
    {
        var tooLong = SourceFiles("*.razor")
            .Select(f => (File: Path.GetRelativePath(Source, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > MaxRazorLines)
            .Select(f => $"{f.File}: {f.Lines}")
            .ToList();

        Assert.True(tooLong.Count == 0, "Over " + MaxRazorLines + " lines: " + string.Join(", ", tooLong));
    }

    private static IEnumerable<string> SourceFiles(string pattern) =>
        Directory.EnumerateFiles(Source, pattern, SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string Namespace(SyntaxNode node) =>
        node.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault()?.Name.ToString() ?? "";
}
