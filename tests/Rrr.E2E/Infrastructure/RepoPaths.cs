namespace Rrr.E2E.Infrastructure;

/// <summary>Locations inside the repository, found from the test assembly's folder.</summary>
public static class RepoPaths
{
    public const string SolutionFileName = "Rrr.Portal.sln";

    /// <summary>The build configuration this test assembly was compiled with; the portal is expected in the same one.</summary>
    public const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The folder that holds <see cref="SolutionFileName"/>.</summary>
    public static string Root => RootLazy.Value;

    /// <summary><c>&lt;repo&gt;/test-output</c>: screenshots and other artefacts a person may want to look at.</summary>
    public static string TestOutput => Path.Combine(Root, "test-output");

    public static string Screenshots => Path.Combine(TestOutput, "screenshots");

    private static string FindRoot()
    {
        var start = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Could not find {SolutionFileName} in {start} or any folder above it.");
    }
}
