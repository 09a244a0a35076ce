using Microsoft.Data.Sqlite;
using Rrr.Core.Features.Earn;
using Rrr.Core.Features.Notifications;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Earn;
using Rrr.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>A file written by an earlier version gets the columns added since, and starting twice changes nothing.</summary>
public sealed class SqliteMigrationTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-migration-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFileFromBeforeKeyGenerationsAndTheKeyedChain_GetsBothColumns_AndASecondStartIsANoOp()
    {
        var path = Path.Combine(root, "portal.db");
        using (var first = SqlitePorts.Open(root, "portal.db"))
        {
            await first.InitializeAsync(Ct);
        }

        // Take the file back to what an earlier version left: no key_generation, no key_id.
        await using (var old = new SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync(Ct);
            await using var drop = old.CreateCommand();
            drop.CommandText = "ALTER TABLE earn_outbox DROP COLUMN key_generation; ALTER TABLE approval_log DROP COLUMN key_id;";
            await drop.ExecuteNonQueryAsync(Ct);
        }

        SqliteConnection.ClearAllPools();
        Assert.False(await HasColumnAsync(path, "earn_outbox", "key_generation"));
        using (var upgraded = SqlitePorts.Open(root, "portal.db"))
        {
            await upgraded.InitializeAsync(Ct);
        }

        using (var again = SqlitePorts.Open(root, "portal.db"))
        {
            await again.InitializeAsync(Ct);
        }

        Assert.True(await HasColumnAsync(path, "earn_outbox", "key_generation"));
        Assert.True(await HasColumnAsync(path, "approval_log", "key_id"));
    }

    [Fact]
    public async Task AFileFromBeforeTiers_GetsPlanAndTierColumns_AndItsOrdersReadWithout()
    {
        var path = Path.Combine(root, "portal.db");
        var order = new EarnOrder(
            "old_1", OrderEventKind.Paid, "xcn_u_1001", EarnProduct.Membership, new Money(9.99m, "USD"), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        using (var first = SqlitePorts.Open(root, "portal.db"))
        {
            await first.InitializeAsync(Ct);
            await first.Outbox.TryAddManyAsync([order], Ct);
        }

        await using (var old = new SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync(Ct);
            await using var drop = old.CreateCommand();
            drop.CommandText = "ALTER TABLE earn_outbox DROP COLUMN membership_plan; ALTER TABLE earn_outbox DROP COLUMN tier;";
            await drop.ExecuteNonQueryAsync(Ct);
        }

        SqliteConnection.ClearAllPools();
        Assert.False(await HasColumnAsync(path, "earn_outbox", "membership_plan"));
        using var upgraded = SqlitePorts.Open(root, "portal.db");
        await upgraded.InitializeAsync(Ct);

        Assert.True(await HasColumnAsync(path, "earn_outbox", "membership_plan"));
        Assert.True(await HasColumnAsync(path, "earn_outbox", "tier"));
        var row = await upgraded.Outbox.GetAsync(order.Key, Ct);
        Assert.Equal(order, row!.Order);
    }

    [Fact]
    public async Task AFileFromBeforeNotifications_GetsTheTableAndItsIndexes_OnTheNextStart()
    {
        var path = Path.Combine(root, "portal.db");
        using (var first = SqlitePorts.Open(root, "portal.db"))
        {
            await first.InitializeAsync(Ct);
        }

        await using (var old = new SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync(Ct);
            await using var drop = old.CreateCommand();
            drop.CommandText = "DROP TABLE notifications;";
            await drop.ExecuteNonQueryAsync(Ct);
        }

        SqliteConnection.ClearAllPools();
        using var upgraded = SqlitePorts.Open(root, "portal.db");
        await upgraded.InitializeAsync(Ct);

        Assert.True(await HasColumnAsync(path, "notifications", "read_at"));
        Assert.Equal(
            ["ix_notifications_created_at", "ix_notifications_recipient_created_id", "ix_notifications_unread"],
            await IndexesAsync(path, "notifications"));
        var note = new Notification(
            "ntf_1", NotificationRecipient.RrrMember("rrr_m_1"), NotificationKinds.PointsPosted, new Dictionary<string, string>(), DateTimeOffset.UnixEpoch);
        Assert.True(await upgraded.Notifications.AddAsync(note, Ct));
    }

    private static async Task<List<string>> IndexesAsync(string path, string table)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(Ct);
        await using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = @table AND sql IS NOT NULL ORDER BY name;";
        probe.Parameters.AddWithValue("@table", table);
        await using var reader = await probe.ExecuteReaderAsync(Ct);
        var names = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task<bool> HasColumnAsync(string path, string table, string column)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(Ct);
        await using var probe = connection.CreateCommand();
        probe.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = @column;";
        probe.Parameters.AddWithValue("@column", column);
        return Convert.ToInt64(await probe.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
