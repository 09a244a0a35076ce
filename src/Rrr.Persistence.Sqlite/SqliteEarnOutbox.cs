namespace Rrr.Persistence.Sqlite;

/// <summary>
/// The earn outbox. A claim is one UPDATE … RETURNING, which SQLite runs under its write lock, so two
/// instances never lease the same row. While a row is CLAIMED its next_attempt_at is the lease end, so
/// "due" is one condition for fresh rows and for rows of a crashed instance alike. HELD rows are never due (their
/// next_attempt_at is the end of the hold); <see cref="SqliteOutboxHolds"/> has their rules.
/// </summary>
public sealed class SqliteEarnOutbox(SqliteDatabase database) : IEarnOutbox
{
    private const string RetryableCondition =
        "(status = 'DEAD' OR (kind = 'REFUNDED' AND status = 'POSTED' AND result_status = 'NOTHING_TO_REVERSE'))";

    /// <summary>
    /// A refund that waited in vain (dead-lettered, or resolved as nothing-to-reverse) goes back to PENDING once its
    /// paid order has posted. Only one RRR refused needs a new key generation: its key would replay the refusal.
    /// </summary>
    private static readonly string ReopenRefundSql = $"""
        UPDATE earn_outbox SET status = 'PENDING', attempts = 0, next_attempt_at = @now,
            key_generation = key_generation + CASE WHEN status = 'DEAD' AND COALESCE(last_error, '') <> '{OutboxCodes.PaidOrderUnknown}' THEN 1 ELSE 0 END,
            earn_event_id = NULL, points = NULL, result_status = NULL,
            lease_owner = NULL, lease_until = NULL, updated_at = @now
        WHERE order_number = @order AND kind = 'REFUNDED' AND {RetryableCondition};
        """;

    public Task<IReadOnlyList<OutboxAddOutcome>> TryAddManyAsync(IReadOnlyList<EarnOrder> orders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);

        // The same in-process writer turn as the webhook inbox, on the ordinary (synchronous = FULL) connection:
        // this commit is the promise behind the 202.
        return database.WriteEachAsync(
            Durability.Full,
            """
            INSERT INTO earn_outbox (order_number, kind, xcn_user_id, product, amount, currency, occurred_at, accepted_at,
                                     status, attempts, next_attempt_at, updated_at, membership_plan, tier)
            VALUES (@order, @kind, @user, @product, @amount, @currency, @occurredAt, @acceptedAt, 'PENDING', 0, @acceptedAt, @acceptedAt,
                    @plan, @tier)
            ON CONFLICT (order_number, kind) DO NOTHING;
            """,
            orders,
            (p, item) =>
            {
                ArgumentNullException.ThrowIfNull(item);
                p.AddWithValue("@order", item.OrderNumber);
                p.AddWithValue("@kind", OutboxCodes.KindText(item.Kind));
                p.AddWithValue("@user", item.XcnUserId);
                p.AddWithValue("@product", OutboxCodes.ProductText(item.Product));
                p.AddWithValue("@amount", item.Amount is { } money ? money.Amount.ToString(CultureInfo.InvariantCulture) : DBNull.Value);
                p.AddWithValue("@currency", (item.Amount?.Currency).OrNull());
                p.AddWithValue("@occurredAt", item.OccurredAt.ToUnixTimeMilliseconds());
                p.AddWithValue("@acceptedAt", item.AcceptedAt.ToUnixTimeMilliseconds());
                p.AddWithValue("@plan", item.MembershipPlan.OrNull());
                p.AddWithValue("@tier", item.Tier.OrNull());
            },
            async (connection, transaction, item, changed) =>
            {
                var row = await SqliteOutboxRows.ReadAsync(connection, transaction, item.Key, cancellationToken)
                    ?? throw new InvalidOperationException("An outbox row vanished inside its own transaction.");
                return new OutboxAddOutcome(changed == 1, row);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxRow>> ClaimBatchAsync(
        string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        // Claims and completions may be lost to a power cut (synchronous = NORMAL): the row is then
        // posted again with the same idempotency key, and RRR replays its first answer. The dispatcher works oldest first.
        return await database.ClaimAsync(
            $"""
            UPDATE earn_outbox
            SET status = 'CLAIMED', lease_owner = @owner, lease_until = @leaseUntil, next_attempt_at = @leaseUntil, updated_at = @now
            WHERE rowid IN (
                SELECT rowid FROM earn_outbox
                WHERE status IN ('PENDING', 'CLAIMED') AND next_attempt_at <= @now
                ORDER BY next_attempt_at, accepted_at
                LIMIT @max)
            RETURNING {SqliteOutboxRows.Columns};
            """,
            owner,
            max,
            now,
            leaseUntil,
            SqliteOutboxRows.Read,
            (a, b) => a.Order.AcceptedAt.CompareTo(b.Order.AcceptedAt),
            cancellationToken);
    }

    public Task<IReadOnlyList<bool>> CompleteManyAsync(
        string owner, IReadOnlyList<OutboxCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        return database.WriteEachAsync(
            Durability.Normal,
            """
            UPDATE earn_outbox SET
                status = CASE WHEN @status = 'HELD' AND key_generation <> @generation THEN 'PENDING' ELSE @status END,
                next_attempt_at = CASE
                    WHEN @status <> 'HELD' THEN COALESCE(@retryAt, next_attempt_at)
                    WHEN key_generation <> @generation THEN @now
                    ELSE @heldUntil END,
                held_until = COALESCE(@heldUntil, held_until),
                attempts = attempts + @increment,
                earn_event_id = CASE WHEN @status = 'POSTED' THEN @earnEventId ELSE earn_event_id END,
                points = CASE WHEN @status = 'POSTED' THEN @points ELSE points END,
                result_status = CASE WHEN @status = 'POSTED' THEN @resultStatus ELSE result_status END,
                last_error = @error,
                lease_owner = NULL, lease_until = NULL, updated_at = @now
            WHERE order_number = @order AND kind = @kind AND lease_owner = @owner AND status = 'CLAIMED';
            """,
            completions,
            (p, completion) =>
            {
                ArgumentNullException.ThrowIfNull(completion);
                p.AddWithValue("@owner", owner);
                p.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                p.AddWithValue("@status", OutboxCodes.StatusText(OutboxCodes.StatusAfter(completion.Kind)));
                p.AddWithValue("@retryAt", completion.Kind == CompletionKind.Retry && completion.RetryAt is { } at ? at.ToUnixTimeMilliseconds() : DBNull.Value);
                p.AddWithValue("@heldUntil", completion.Kind == CompletionKind.Held ? HeldUntil(completion).ToUnixTimeMilliseconds() : DBNull.Value);
                p.AddWithValue("@generation", completion.KeyGeneration);
                p.AddWithValue("@increment", completion.Kind != CompletionKind.Posted && completion.CountsAsAttempt ? 1 : 0);
                p.AddWithValue("@earnEventId", (completion.Result?.EarnEventId).OrNull());
                p.AddWithValue("@points", (completion.Result?.Points).OrNull());
                p.AddWithValue("@resultStatus", (completion.Result?.Status).OrNull());
                p.AddWithValue("@error", completion.Kind == CompletionKind.Posted ? DBNull.Value : completion.ErrorCode.OrNull());
                p.AddWithValue("@order", completion.Key.OrderNumber);
                p.AddWithValue("@kind", OutboxCodes.KindText(completion.Key.Kind));
            },
            async (connection, transaction, completion, changed) =>
            {
                if (changed == 1 && completion.ReopensRefund)
                {
                    await connection.ExecuteAsync(transaction, ReopenRefundSql, cancellationToken, p =>
                    {
                        p.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                        p.AddWithValue("@order", completion.Key.OrderNumber);
                    });
                }

                if (changed == 1 && completion.CancelsHeldPaid)
                {
                    await SqliteOutboxHolds.CancelHeldPaidAsync(connection, transaction, completion.Key.OrderNumber, now, cancellationToken);
                }

                return changed == 1;
            },
            cancellationToken);
    }

    public Task<OutboxRow?> GetAsync(OutboxKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return database.WithConnectionAsync(connection => SqliteOutboxRows.ReadAsync(connection, null, key, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyDictionary<OutboxStatus, long>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        var counts = Enum.GetValues<OutboxStatus>().ToDictionary(s => s, _ => 0L);
        var rows = await database.QueryAsync(
            "SELECT status, COUNT(*) FROM earn_outbox GROUP BY status;",
            _ => { },
            reader => (Status: OutboxCodes.ParseStatus(reader.GetString(0)), Count: reader.GetInt64(1)),
            cancellationToken);
        foreach (var (status, count) in rows)
        {
            counts[status] = count;
        }

        return counts;
    }

    public Task<DateTimeOffset?> OldestWaitingAcceptedAtAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            // ix_earn_outbox_due narrows the scan to the backlog.
            await using var command = connection.Command(null, "SELECT MIN(accepted_at) FROM earn_outbox WHERE status IN ('PENDING', 'CLAIMED');");
            return await command.ExecuteScalarAsync(cancellationToken) is long oldest ? SqliteCommands.FromUnixMs(oldest) : (DateTimeOffset?)null;
        }, cancellationToken);

    public async Task<IReadOnlyList<OutboxRow>> ListAsync(OutboxStatus status, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        return await database.QueryAsync(
            $"""
            SELECT {SqliteOutboxRows.Columns} FROM earn_outbox WHERE status = @status
            ORDER BY updated_at DESC, order_number, kind LIMIT @take;
            """,
            p =>
            {
                p.AddWithValue("@status", OutboxCodes.StatusText(status));
                p.AddWithValue("@take", take);
            },
            SqliteOutboxRows.Read,
            cancellationToken);
    }

    public async Task<bool> RetryAsync(OutboxKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await RetryWhereAsync(
            $"order_number = @order AND kind = @kind AND {RetryableCondition}",
            now,
            [new SqliteParameter("@order", key.OrderNumber), new SqliteParameter("@kind", OutboxCodes.KindText(key.Kind))],
            cancellationToken) == 1;
    }

    public Task<long> RetryAllDeadAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        RetryWhereAsync("status = 'DEAD'", now, [], cancellationToken);

    public Task<long> ReleaseHeldAsync(string xcnUserId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(xcnUserId);
        return SqliteOutboxHolds.ReleaseAsync(database, xcnUserId, now, cancellationToken);
    }

    public Task<long> ExpireHeldAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        SqliteOutboxHolds.ExpireAsync(database, now, cancellationToken);

    public Task<IReadOnlyList<OutboxRow>> ListHeldAsync(string xcnUserId, int take, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(xcnUserId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        return SqliteOutboxHolds.ListAsync(database, xcnUserId, take, cancellationToken);
    }

    public Task<long> CountDeadAsync(string errorCode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);
        return SqliteOutboxHolds.CountDeadAsync(database, errorCode, cancellationToken);
    }

    private static DateTimeOffset HeldUntil(OutboxCompletion completion) =>
        completion.HeldUntil ?? throw new ArgumentException("A held completion needs the end of its hold.", nameof(completion));

    // A retry is an operator's decision: it gets the durable connection. It opens a new key generation, since
    // RRR keeps answering the old key with the refusal it stored (24 h); RRR's one-earn-per-order and
    // one-reversal-per-event rules keep a new key from earning or reversing twice.
    private Task<long> RetryWhereAsync(string where, DateTimeOffset now, SqliteParameter[] parameters, CancellationToken cancellationToken) =>
        database.WriteAsync(Durability.Full, async connection => (long)await connection.ExecuteAsync(
            null,
            $"""
            UPDATE earn_outbox SET status = 'PENDING', attempts = 0, next_attempt_at = @now,
                key_generation = key_generation + 1,
                earn_event_id = NULL, points = NULL, result_status = NULL,
                lease_owner = NULL, lease_until = NULL, updated_at = @now
            WHERE {where};
            """,
            cancellationToken,
            p =>
            {
                p.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                p.AddRange(parameters);
            }), cancellationToken);

    // Key generations came later: every row of an older file is generation 0, so its keys stay what they were.
    // Plans and tiers came later too: an older row has neither, so it posts to RRR exactly as it was accepted.
    // Holds came later still: an older file's rows were never held.
    internal static SqliteSchema Schema { get; } = new(
        """
        CREATE TABLE IF NOT EXISTS earn_outbox (
            order_number    TEXT NOT NULL,
            kind            TEXT NOT NULL,
            xcn_user_id     TEXT NOT NULL,
            product         TEXT NOT NULL,
            amount          TEXT NULL,
            currency        TEXT NULL,
            occurred_at     INTEGER NOT NULL,
            accepted_at     INTEGER NOT NULL,
            status          TEXT NOT NULL,
            attempts        INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            lease_owner     TEXT NULL,
            lease_until     INTEGER NULL,
            earn_event_id   TEXT NULL,
            points          INTEGER NULL,
            result_status   TEXT NULL,
            last_error      TEXT NULL,
            updated_at      INTEGER NOT NULL,
            key_generation  INTEGER NOT NULL DEFAULT 0,
            membership_plan TEXT NULL,
            tier            TEXT NULL,
            held_until      INTEGER NULL,
            PRIMARY KEY (order_number, kind)
        );
        CREATE INDEX IF NOT EXISTS ix_earn_outbox_due ON earn_outbox (status, next_attempt_at);
        CREATE INDEX IF NOT EXISTS ix_earn_outbox_status_updated ON earn_outbox (status, updated_at);
        CREATE INDEX IF NOT EXISTS ix_earn_outbox_user ON earn_outbox (xcn_user_id, status);
        """,
        new ColumnAddition("earn_outbox", "key_generation", "INTEGER NOT NULL DEFAULT 0"),
        new ColumnAddition("earn_outbox", "membership_plan", "TEXT NULL"),
        new ColumnAddition("earn_outbox", "tier", "TEXT NULL"),
        new ColumnAddition("earn_outbox", "held_until", "INTEGER NULL"));
}
