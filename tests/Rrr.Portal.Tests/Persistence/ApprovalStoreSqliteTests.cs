using Microsoft.Data.Sqlite;
using Rrr.Core.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Persistence;

public sealed class ApprovalStoreSqliteTests : ApprovalStoreContract
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-approval-store-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStore> opened = [];

    protected override ApprovalStoreUnderTest OpenStore()
    {
        var store = new SqliteStore(root, "portal.db");
        opened.Add(store);
        return new ApprovalStoreUnderTest(store, store);
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
