using MongoDB.Driver;
using Rrr.Core.Persistence;
using Rrr.Core.Rrr.Http;
using Rrr.Persistence.Mongo;
using Rrr.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Rrr;

public sealed class SqliteRrrCallLogTests : RrrCallLogContract
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-calllog-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStore> opened = [];

    protected override (IStoreLifecycle Lifecycle, IRrrCallLog Log) OpenStore()
    {
        var store = new SqliteStore(root, "portal.db");
        opened.Add(store);
        return (store, store);
    }

    public override ValueTask DisposeAsync()
    {
        foreach (var store in opened)
        {
            store.Dispose();
        }

        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Runs against the MongoDB named by RRR_TEST_MONGO; skipped (with the reason) without it.</summary>
public sealed class MongoRrrCallLogTests : RrrCallLogContract
{
    private readonly string databaseName = $"rrr_test_calls_{Guid.NewGuid():N}"[..40];
    private MongoClient? client;

    protected override (IStoreLifecycle Lifecycle, IRrrCallLog Log) OpenStore()
    {
        var connectionString = Environment.GetEnvironmentVariable("RRR_TEST_MONGO");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Skip("RRR_TEST_MONGO is not set: MongoDB contract run skipped");
        }

        client ??= new MongoClient(connectionString);
        var store = new MongoStore(client, databaseName);
        return (store, store);
    }

    public override async ValueTask DisposeAsync()
    {
        if (client is null)
        {
            return;
        }

        await client.DropDatabaseAsync(databaseName);
        client.Dispose();
    }
}
