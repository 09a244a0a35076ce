namespace Rrr.Portal.Tests.Support;

/// <summary>The checkout the tests run from, found by the solution file above the test binaries.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Rrr.Portal.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Rrr.Portal.sln not found above " + AppContext.BaseDirectory);
    }
}
