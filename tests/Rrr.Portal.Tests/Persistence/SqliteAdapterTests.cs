using Microsoft.Data.Sqlite;
using Rrr.Core.Features.Earn;
using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>What only the SQLite adapter does: its file's journal mode, its indexes, its column migrations.</summary>
public sealed class SqliteAdapterTests : IAsyncLifetime
{
    private readonly SqliteAdapter adapter = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => adapter.DisposeAsync();

    [Fact]
    public async Task Initialize_SwitchesTheFileToWriteAheadLogging()
    {
        var store = adapter.Open();
        await store.Lifecycle.InitializeAsync(Ct);

        await using var connection = new SqliteConnection($"Data Source={adapter.FilePath}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Initialize_CreatesTheAuditIndexes()
    {
        var store = adapter.Open();
        await store.Lifecycle.InitializeAsync(Ct);

        await using var connection = new SqliteConnection($"Data Source={adapter.FilePath}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' AND sql IS NOT NULL ORDER BY name;";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            names.Add(reader.GetString(0));
        }

        Assert.Equal(
            ["ix_audit_events_actor_kind_time_id", "ix_audit_events_actor_time_id", "ix_audit_events_kind_time_id", "ix_audit_events_time_id"],
            names);
    }

    [Fact]
    public async Task Initialize_OnAFileFromBeforeKeyGenerations_AddsTheColumn_AndOldRowsAreGenerationZero()
    {
        Directory.CreateDirectory(adapter.DataFolder);
        await using (var connection = new SqliteConnection($"Data Source={adapter.FilePath};Pooling=False"))
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

        var store = adapter.Open();
        await store.Lifecycle.InitializeAsync(Ct);
        await store.Lifecycle.InitializeAsync(Ct);

        var old = (await store.Outbox.GetAsync(new OutboxKey("old1", OrderEventKind.Paid), Ct))!;
        Assert.Equal((OutboxStatus.Dead, 0), (old.Status, old.KeyGeneration));
        Assert.True(await store.Outbox.RetryAsync(old.Key, DateTimeOffset.UnixEpoch, Ct));
        Assert.Equal(1, (await store.Outbox.GetAsync(old.Key, Ct))!.KeyGeneration);
    }
}
