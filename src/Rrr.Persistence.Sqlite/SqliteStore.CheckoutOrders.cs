using Rrr.Core.Features.Checkout;

namespace Rrr.Persistence.Sqlite;

/// <summary>Checkout orders: status and version are columns so every update is one compare-and-set statement.</summary>
public sealed partial class SqliteStore : ICheckoutOrderStore
{
    private const string CheckoutOrdersSchemaSql = """
        CREATE TABLE IF NOT EXISTS checkout_orders (
            order_number TEXT NOT NULL PRIMARY KEY,
            xcn_user_id  TEXT NOT NULL,
            status       TEXT NOT NULL,
            version      INTEGER NOT NULL,
            body         TEXT NOT NULL,
            created_at   INTEGER NOT NULL,
            updated_at   INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_checkout_orders_owner_created ON checkout_orders (xcn_user_id, created_at);
        """;

    public async Task<bool> TryCreateCheckoutOrderAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO checkout_orders (order_number, xcn_user_id, status, version, body, created_at, updated_at)
            VALUES (@number, @owner, @status, @version, @body, @createdAt, @updatedAt)
            ON CONFLICT (order_number) DO NOTHING;
            """;
        command.Parameters.AddWithValue("@number", order.OrderNumber);
        command.Parameters.AddWithValue("@owner", order.XcnUserId);
        command.Parameters.AddWithValue("@status", order.Status.ToString());
        command.Parameters.AddWithValue("@version", order.Version);
        command.Parameters.AddWithValue("@body", CheckoutOrderJson.Serialize(order));
        command.Parameters.AddWithValue("@createdAt", order.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@updatedAt", order.UpdatedAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<CheckoutOrder?> GetCheckoutOrderAsync(string orderNumber, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM checkout_orders WHERE order_number = @number;";
        command.Parameters.AddWithValue("@number", orderNumber);
        return await command.ExecuteScalarAsync(cancellationToken) is string body ? CheckoutOrderJson.Deserialize(body) : null;
    }

    public async Task<bool> TryUpdateCheckoutOrderAsync(CheckoutOrder expected, CheckoutOrder updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(updated);
        if (expected.OrderNumber != updated.OrderNumber || expected.XcnUserId != updated.XcnUserId || updated.Version != expected.Version + 1)
        {
            throw new ArgumentException("An update keeps the order number and owner and raises the version by one.", nameof(updated));
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // The WHERE is the compare-and-set: a concurrent writer that got there first leaves 0 rows to change.
        command.CommandText = """
            UPDATE checkout_orders SET status = @status, version = @version, body = @body, updated_at = @updatedAt
            WHERE order_number = @number AND status = @expectedStatus AND version = @expectedVersion;
            """;
        command.Parameters.AddWithValue("@number", updated.OrderNumber);
        command.Parameters.AddWithValue("@status", updated.Status.ToString());
        command.Parameters.AddWithValue("@version", updated.Version);
        command.Parameters.AddWithValue("@body", CheckoutOrderJson.Serialize(updated));
        command.Parameters.AddWithValue("@updatedAt", updated.UpdatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@expectedStatus", expected.Status.ToString());
        command.Parameters.AddWithValue("@expectedVersion", expected.Version);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<CheckoutOrder>> ListCheckoutOrdersAsync(string xcnUserId, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT body FROM checkout_orders WHERE xcn_user_id = @owner
            ORDER BY created_at DESC, order_number DESC LIMIT @take;
            """;
        command.Parameters.AddWithValue("@owner", xcnUserId);
        command.Parameters.AddWithValue("@take", take);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var orders = new List<CheckoutOrder>();
        while (await reader.ReadAsync(cancellationToken))
        {
            orders.Add(CheckoutOrderJson.Deserialize(reader.GetString(0)));
        }

        return orders;
    }
}
