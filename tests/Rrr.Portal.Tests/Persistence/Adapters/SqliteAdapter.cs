using Microsoft.Data.Sqlite;
using Rrr.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Persistence.Adapters;

/// <summary>The SQLite adapter over a file in a temp folder of its own.</summary>
public sealed class SqliteAdapter : StoreAdapter
{
    public const string FileName = "portal.db";

    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-store-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStore> opened = [];
    private readonly Lock gate = new();

    /// <summary>Nested below the temp root so the adapter, not the test, has to create the folder.</summary>
    public string DataFolder => Path.Combine(root, "content", "data");

    public string FilePath => Path.Combine(DataFolder, FileName);

    public override PortalStores Open()
    {
        var store = new SqliteStore(DataFolder, FileName);
        lock (gate)
        {
            opened.Add(store);
        }

        return new PortalStores(store, store, store, store, store, store, store, store, store, store, store, store, store);
    }

    public override Task<bool> StorageExistsAsync() => Task.FromResult(File.Exists(FilePath));

    public override ValueTask DisposeAsync()
    {
        foreach (var store in opened)
        {
            store.Dispose();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
