namespace Rrr.Core.Persistence;

public enum StoreProvider
{
    Sqlite,
    Mongo,
}

/// <summary>Which store adapter the portal uses and where its data lives. Bound from "Store".</summary>
public sealed class StoreOptions
{
    public const string SectionName = "Store";

    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>Folder of the SQLite file; a relative path resolves against the content root.</summary>
    public string DataFolder { get; set; } = "data";

    public string SqliteFileName { get; set; } = "portal.db";

    public string? MongoConnectionString { get; set; }

    public string MongoDatabase { get; set; } = "rrr_portal";

    /// <summary>
    /// Resolves <see cref="DataFolder"/> against the content root rather than the process's working
    /// directory, which differs between `dotnet run`, a service manager and the test host.
    /// </summary>
    public string ResolveDataFolder(string contentRootPath) =>
        Path.GetFullPath(Path.Combine(contentRootPath, DataFolder));
}

/// <summary>
/// Refuses start-up on settings the chosen provider cannot run with, naming the setting to fix,
/// because a store that fails on the first request is far harder to diagnose than one that never starts.
/// </summary>
public sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var section = StoreOptions.SectionName;

        switch (options.Provider)
        {
            case StoreProvider.Sqlite:
                if (string.IsNullOrWhiteSpace(options.DataFolder))
                {
                    failures.Add($"{section}:DataFolder is required when {section}:Provider is Sqlite.");
                }

                if (string.IsNullOrWhiteSpace(options.SqliteFileName))
                {
                    failures.Add($"{section}:SqliteFileName is required when {section}:Provider is Sqlite.");
                }

                break;
            case StoreProvider.Mongo:
                if (string.IsNullOrWhiteSpace(options.MongoConnectionString))
                {
                    failures.Add($"{section}:MongoConnectionString is required when {section}:Provider is Mongo.");
                }

                if (string.IsNullOrWhiteSpace(options.MongoDatabase))
                {
                    failures.Add($"{section}:MongoDatabase is required when {section}:Provider is Mongo.");
                }

                break;
            default:
                failures.Add($"{section}:Provider '{options.Provider}' is not supported; use Sqlite or Mongo.");
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
