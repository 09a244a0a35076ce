using Microsoft.Data.Sqlite;
using Rrr.Core.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Persistence;

public sealed class OpenLinkIntentsSqliteTests : OpenLinkIntentsContract
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-open-intent-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStore> opened = [];

    protected override OpenLinkIntentsUnderTest OpenStore()
    {
        var store = new SqliteStore(root, "portal.db");
        lock (opened)
        {
            opened.Add(store);
        }

        return new OpenLinkIntentsUnderTest(store, store);
    }

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
