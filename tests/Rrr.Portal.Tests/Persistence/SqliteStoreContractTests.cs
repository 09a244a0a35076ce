using Microsoft.Data.Sqlite;
using Rrr.Core.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Persistence;

public sealed class SqliteStoreContractTests : StoreContract
{
    private const string FileName = "portal.db";

    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-store-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStore> opened = [];

    // Nested below the temp root so the store, not the test, has to create the folder.
    private string DataFolder => Path.Combine(root, "content", "data");

    protected override StoreUnderTest OpenStore()
    {
        var store = new SqliteStore(DataFolder, FileName);
        opened.Add(store);
        return new StoreUnderTest(store, store, store);
    }

    protected override Task<bool> StorageExistsAsync() =>
        Task.FromResult(File.Exists(Path.Combine(DataFolder, FileName)));

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

    [Fact]
    public async Task Initialize_SwitchesTheFileToWriteAheadLogging()
    {
        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(DataFolder, FileName)}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Initialize_CreatesTheAuditIndexes()
    {
        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(DataFolder, FileName)}");
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
}
