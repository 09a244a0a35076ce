using Microsoft.Data.Sqlite;
using Rrr.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Persistence.Adapters;

/// <summary>The SQLite adapter over a file in a temp folder of its own.</summary>
public sealed class SqliteAdapter : StoreAdapter
{
    public const string FileName = "portal.db";

    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-store-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqlitePorts> opened = [];
    private readonly Lock gate = new();

    /// <summary>Nested below the temp root so the adapter, not the test, has to create the folder.</summary>
    public string DataFolder => Path.Combine(root, "content", "data");

    public string FilePath => Path.Combine(DataFolder, FileName);

    public override PortalStores Open()
    {
        // Every port class over one database object, as the host's container builds them.
        var ports = SqlitePorts.Open(DataFolder, FileName);
        lock (gate)
        {
            opened.Add(ports);
        }

        return new PortalStores(
            ports.Database, ports.Keys, ports.Audit, ports.Calls, ports.Inbox, ports.Versions, ports.Wallets, ports.Links,
            ports.Outbox, ports.Awards, ports.Approvals, ports.Orders, ports.Intents, ports.Notifications);
    }

    public override Task<bool> StorageExistsAsync() => Task.FromResult(File.Exists(FilePath));

    public override ValueTask DisposeAsync()
    {
        foreach (var ports in opened)
        {
            ports.Dispose();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
