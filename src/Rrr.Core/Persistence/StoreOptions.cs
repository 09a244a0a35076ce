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
                Require(options.DataFolder, nameof(StoreOptions.DataFolder));
                Require(options.SqliteFileName, nameof(StoreOptions.SqliteFileName));
                break;
            case StoreProvider.Mongo:
                Require(options.MongoConnectionString, nameof(StoreOptions.MongoConnectionString));
                Require(options.MongoDatabase, nameof(StoreOptions.MongoDatabase));
                break;
            default:
                failures.Add($"{section}:Provider '{options.Provider}' is not supported; use Sqlite or Mongo.");
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Require(string? value, string setting)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                failures.Add($"{section}:{setting} is required when {section}:Provider is {options.Provider}.");
            }
        }
    }
}
