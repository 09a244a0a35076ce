using Microsoft.Data.Sqlite;
using Rrr.Core.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Persistence;

public sealed class AwardHistorySqliteTests : AwardHistoryContract
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-award-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStore> opened = [];

    protected override AwardHistoryUnderTest OpenStore()
    {
        var store = new SqliteStore(root, "portal.db");
        lock (opened)
        {
            opened.Add(store);
        }

        return new AwardHistoryUnderTest(store, store);
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
