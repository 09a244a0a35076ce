namespace Rrr.Persistence.Sqlite;

/// <summary>The earn outbox's row: its column list and how a row reads back (claims return it, lists page it).</summary>
internal static class SqliteOutboxRows
{
    public const string Columns =
        "order_number, kind, xcn_user_id, product, amount, currency, occurred_at, accepted_at, status, attempts, "
        + "next_attempt_at, lease_owner, lease_until, earn_event_id, points, result_status, last_error, updated_at, key_generation, "
        + "membership_plan, tier, held_until";

    public static async Task<OutboxRow?> ReadAsync(
        SqliteConnection connection, SqliteTransaction? transaction, OutboxKey key, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync(
            transaction,
            $"SELECT {Columns} FROM earn_outbox WHERE order_number = @order AND kind = @kind;",
            p =>
            {
                p.AddWithValue("@order", key.OrderNumber);
                p.AddWithValue("@kind", OutboxCodes.KindText(key.Kind));
            },
            Read,
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public static OutboxRow Read(SqliteDataReader reader)
    {
        var amount = reader.IsDBNull(4)
            ? null
            : new Money(decimal.Parse(reader.GetString(4), NumberStyles.Number, CultureInfo.InvariantCulture), reader.GetString(5));
        var order = new EarnOrder(
            reader.GetString(0),
            OutboxCodes.ParseKind(reader.GetString(1)),
            reader.GetString(2),
            OutboxCodes.ParseProduct(reader.GetString(3)),
            amount,
            reader.GetTime(6),
            reader.GetTime(7),
            reader.GetStringOrNull(19),
            reader.GetStringOrNull(20));
        EarnPostResult? result = reader.IsDBNull(15)
            ? null
            : new EarnPostResult(reader.GetStringOrNull(13), reader.IsDBNull(14) ? null : reader.GetInt64(14), reader.GetString(15));
        return new OutboxRow(
            order,
            OutboxCodes.ParseStatus(reader.GetString(8)),
            reader.GetInt32(9),
            reader.GetTime(10),
            reader.GetStringOrNull(11),
            reader.GetTimeOrNull(12),
            result,
            reader.GetStringOrNull(16),
            reader.GetTime(17),
            reader.GetInt32(18),
            reader.GetTimeOrNull(21));
    }
}
