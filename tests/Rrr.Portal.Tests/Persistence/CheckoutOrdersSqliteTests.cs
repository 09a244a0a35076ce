using Microsoft.Data.Sqlite;
using Rrr.Core.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Persistence;

public sealed class CheckoutOrdersSqliteTests : CheckoutOrdersContract
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-checkout-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStore> opened = [];

    protected override CheckoutStoreUnderTest OpenStore()
    {
        var store = new SqliteStore(root, "portal.db");
        opened.Add(store);
        return new CheckoutStoreUnderTest(store, store);
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
