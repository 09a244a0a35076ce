using Microsoft.Data.Sqlite;
using Rrr.Core.Features.Earn;
using Rrr.Core.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Persistence;

public sealed class EarnOutboxSqliteTests : EarnOutboxContract
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-outbox-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStore> opened = [];

    protected override OutboxUnderTest OpenStore()
    {
        var store = new SqliteStore(root, "portal.db");
        opened.Add(store);
        return new OutboxUnderTest(store, store);
    }

    [Fact]
    public async Task Initialize_OnAFileFromBeforeKeyGenerations_AddsTheColumn_AndOldRowsAreGenerationZero()
    {
        Directory.CreateDirectory(root);
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(root, "portal.db")};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE earn_outbox (
                    order_number TEXT NOT NULL, kind TEXT NOT NULL, xcn_user_id TEXT NOT NULL, product TEXT NOT NULL,
                    amount TEXT NULL, currency TEXT NULL, occurred_at INTEGER NOT NULL, accepted_at INTEGER NOT NULL,
                    status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, lease_owner TEXT NULL,
                    lease_until INTEGER NULL, earn_event_id TEXT NULL, points INTEGER NULL, result_status TEXT NULL,
                    last_error TEXT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (order_number, kind));
                INSERT INTO earn_outbox VALUES ('old1', 'PAID', 'xcn_u_1001', 'TOKENS', '12.50', 'USD', 0, 0, 'DEAD', 1, 0,
                    NULL, NULL, NULL, NULL, NULL, 'not_linked', 0);
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);
        await store.Lifecycle.InitializeAsync(Ct);

        var old = (await store.Outbox.GetAsync(new OutboxKey("old1", OrderEventKind.Paid), Ct))!;
        Assert.Equal((OutboxStatus.Dead, 0), (old.Status, old.KeyGeneration));
        Assert.True(await store.Outbox.RetryAsync(old.Key, DateTimeOffset.UnixEpoch, Ct));
        Assert.Equal(1, (await store.Outbox.GetAsync(old.Key, Ct))!.KeyGeneration);
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
