namespace Rrr.Persistence.Sqlite;

/// <summary>
/// The earn outbox's held orders (status HELD: the buyer is not linked yet), apart from the port so each rule reads
/// alone: release on linking, expiry, the per-member list, and closing a held order its refund overtook.
/// </summary>
internal static class SqliteOutboxHolds
{
    /// <summary>
    /// First the user's CLAIMED paid rows take a new key generation (a not_linked still in flight then settles PENDING,
    /// see <see cref="CompletionKind.Held"/>), then the HELD ones go back to PENDING in that new generation: RRR keeps
    /// replaying the not_linked it stored for the old key for 24 h. In one transaction, and in this order, so a row
    /// that turns from CLAIMED to HELD meanwhile cannot slip between the two.
    /// </summary>
    public static Task<long> ReleaseAsync(SqliteDatabase database, string xcnUserId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteInTransactionAsync(Durability.Full, async (connection, transaction) =>
        {
            void Bind(SqliteParameterCollection p)
            {
                p.AddWithValue("@user", xcnUserId);
                p.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            }

            await connection.ExecuteAsync(
                transaction,
                "UPDATE earn_outbox SET key_generation = key_generation + 1 WHERE xcn_user_id = @user AND kind = 'PAID' AND status = 'CLAIMED';",
                cancellationToken,
                Bind);
            return (long)await connection.ExecuteAsync(
                transaction,
                """
                UPDATE earn_outbox SET status = 'PENDING', attempts = 0, next_attempt_at = @now, key_generation = key_generation + 1,
                    lease_owner = NULL, lease_until = NULL, updated_at = @now
                WHERE xcn_user_id = @user AND kind = 'PAID' AND status = 'HELD';
                """,
                cancellationToken,
                Bind);
        }, cancellationToken);

    /// <summary>Holds past their end become dead letters saying so (held_until is kept: a retry that is refused again dies at once).</summary>
    public static async Task<long> ExpireAsync(SqliteDatabase database, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(Durability.Normal, async connection => (long)await connection.ExecuteAsync(
            null,
            $"""
            UPDATE earn_outbox SET status = 'DEAD', last_error = '{OutboxCodes.HoldExpired}', attempts = attempts + 1, updated_at = @now
            WHERE status = 'HELD' AND held_until <= @now;
            """,
            cancellationToken,
            p => p.AddWithValue("@now", now.ToUnixTimeMilliseconds())), cancellationToken);

    public static async Task<IReadOnlyList<OutboxRow>> ListAsync(SqliteDatabase database, string xcnUserId, int take, CancellationToken cancellationToken) =>
        await database.QueryAsync(
            $"""
            SELECT {SqliteOutboxRows.Columns} FROM earn_outbox WHERE xcn_user_id = @user AND status = 'HELD'
            ORDER BY accepted_at, order_number LIMIT @take;
            """,
            p =>
            {
                p.AddWithValue("@user", xcnUserId);
                p.AddWithValue("@take", take);
            },
            SqliteOutboxRows.Read,
            cancellationToken);

    public static async Task<long> CountDeadAsync(SqliteDatabase database, string errorCode, CancellationToken cancellationToken) =>
        await database.WithConnectionAsync(async connection =>
        {
            await using var command = connection.Command(null, "SELECT COUNT(*) FROM earn_outbox WHERE status = 'DEAD' AND last_error = @error;");
            command.Parameters.AddWithValue("@error", errorCode);
            return await command.ScalarInt64Async(cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// A refund settled as nothing-to-reverse because its paid order was HELD: the paid order is closed in the same
    /// transaction (it must never post). If it is no longer HELD (released, or expired, meanwhile) the refund goes round
    /// again, due now, and decides on what the paid order is then.
    /// </summary>
    public static async Task CancelHeldPaidAsync(
        SqliteConnection connection, SqliteTransaction transaction, string orderNumber, DateTimeOffset now, CancellationToken cancellationToken)
    {
        void Bind(SqliteParameterCollection p)
        {
            p.AddWithValue("@order", orderNumber);
            p.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        }

        var cancelled = await connection.ExecuteAsync(
            transaction,
            $"""
            UPDATE earn_outbox SET status = 'POSTED', result_status = '{EarnPostResult.Cancelled}', earn_event_id = NULL, points = NULL,
                last_error = NULL, lease_owner = NULL, lease_until = NULL, updated_at = @now
            WHERE order_number = @order AND kind = 'PAID' AND status = 'HELD';
            """,
            cancellationToken,
            Bind);
        if (cancelled == 0)
        {
            await connection.ExecuteAsync(
                transaction,
                """
                UPDATE earn_outbox SET status = 'PENDING', next_attempt_at = @now, earn_event_id = NULL, points = NULL, result_status = NULL,
                    last_error = 'waiting_for_paid', updated_at = @now
                WHERE order_number = @order AND kind = 'REFUNDED' AND status = 'POSTED';
                """,
                cancellationToken,
                Bind);
        }
    }
}
