namespace Rrr.Persistence.Sqlite;

/// <summary>Checkout orders: status and version are columns so every update is one compare-and-set statement.</summary>
public sealed class SqliteCheckoutOrders(SqliteDatabase database) : ICheckoutOrderStore
{
    public async Task<bool> TryCreateCheckoutOrderAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        return await database.ExecuteAsync(
            """
            INSERT INTO checkout_orders (order_number, xcn_user_id, status, version, body, created_at, updated_at)
            VALUES (@number, @owner, @status, @version, @body, @createdAt, @updatedAt)
            ON CONFLICT (order_number) DO NOTHING;
            """,
            p =>
            {
                AddRowParameters(p, order);
                p.AddWithValue("@owner", order.XcnUserId);
                p.AddWithValue("@createdAt", order.CreatedAt.ToUnixTimeMilliseconds());
            },
            cancellationToken) == 1;
    }

    public Task<CheckoutOrder?> GetCheckoutOrderAsync(string orderNumber, CancellationToken cancellationToken) =>
        database.QueryFirstAsync(
            "SELECT body FROM checkout_orders WHERE order_number = @number;",
            p => p.AddWithValue("@number", orderNumber),
            reader => CheckoutOrderJson.Deserialize(reader.GetString(0)),
            cancellationToken);

    public async Task<bool> TryUpdateCheckoutOrderAsync(CheckoutOrder expected, CheckoutOrder updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(updated);
        if (expected.OrderNumber != updated.OrderNumber || expected.XcnUserId != updated.XcnUserId || updated.Version != expected.Version + 1)
        {
            throw new ArgumentException("An update keeps the order number and owner and raises the version by one.", nameof(updated));
        }

        // The WHERE is the compare-and-set: a concurrent writer that got there first leaves 0 rows to change.
        return await database.ExecuteAsync(
            """
            UPDATE checkout_orders SET status = @status, version = @version, body = @body, updated_at = @updatedAt
            WHERE order_number = @number AND status = @expectedStatus AND version = @expectedVersion;
            """,
            p =>
            {
                AddRowParameters(p, updated);
                p.AddWithValue("@expectedStatus", expected.Status.ToString());
                p.AddWithValue("@expectedVersion", expected.Version);
            },
            cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<CheckoutOrder>> ListCheckoutOrdersAsync(string xcnUserId, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        return await database.QueryAsync(
            """
            SELECT body FROM checkout_orders WHERE xcn_user_id = @owner
            ORDER BY created_at DESC, order_number DESC LIMIT @take;
            """,
            p =>
            {
                p.AddWithValue("@owner", xcnUserId);
                p.AddWithValue("@take", take);
            },
            reader => CheckoutOrderJson.Deserialize(reader.GetString(0)),
            cancellationToken);
    }

    // What every write sets: the order's state, its version and its whole body.
    private static void AddRowParameters(SqliteParameterCollection p, CheckoutOrder order)
    {
        p.AddWithValue("@number", order.OrderNumber);
        p.AddWithValue("@status", order.Status.ToString());
        p.AddWithValue("@version", order.Version);
        p.AddWithValue("@body", CheckoutOrderJson.Serialize(order));
        p.AddWithValue("@updatedAt", order.UpdatedAt.ToUnixTimeMilliseconds());
    }

    internal static SqliteSchema Schema { get; } = new("""
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
        """);
}
