using System.Globalization;
using Microsoft.Data.Sqlite;
using Rrr.Core.Features.Earn;
using Rrr.Core.Rrr;

namespace Rrr.Persistence.Sqlite;

/// <summary>
/// The earn outbox. A claim is one UPDATE … RETURNING, which SQLite runs under its write lock, so two
/// instances never lease the same row. While a row is CLAIMED its next_attempt_at is the lease end, so
/// "due" is one condition for fresh rows and for rows of a crashed instance alike.
/// </summary>
public sealed partial class SqliteStore : IEarnOutbox
{
    private const string EarnOutboxSchemaSql = """
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
            PRIMARY KEY (order_number, kind)
        );
        CREATE INDEX IF NOT EXISTS ix_earn_outbox_due ON earn_outbox (status, next_attempt_at);
        CREATE INDEX IF NOT EXISTS ix_earn_outbox_status_updated ON earn_outbox (status, updated_at);
        """;

    private const string OutboxColumns =
        "order_number, kind, xcn_user_id, product, amount, currency, occurred_at, accepted_at, status, attempts, "
        + "next_attempt_at, lease_owner, lease_until, earn_event_id, points, result_status, last_error, updated_at, key_generation";

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

    public async Task<IReadOnlyList<OutboxAddOutcome>> TryAddManyAsync(IReadOnlyList<EarnOrder> orders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        var results = new OutboxAddOutcome[orders.Count];
        if (orders.Count == 0)
        {
            return results;
        }

        // The same in-process writer turn as the webhook inbox: one SQLite file has one writer.
        await writeGate.WaitAsync(cancellationToken);
        using var release = new GateRelease(writeGate);

        // The ordinary (synchronous = FULL) connection: this commit is the promise behind the 202.
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO earn_outbox (order_number, kind, xcn_user_id, product, amount, currency, occurred_at, accepted_at,
                                     status, attempts, next_attempt_at, updated_at)
            VALUES (@order, @kind, @user, @product, @amount, @currency, @occurredAt, @acceptedAt, 'PENDING', 0, @acceptedAt, @acceptedAt)
            ON CONFLICT (order_number, kind) DO NOTHING;
            """;
        var order = insert.Parameters.Add("@order", SqliteType.Text);
        var kind = insert.Parameters.Add("@kind", SqliteType.Text);
        var user = insert.Parameters.Add("@user", SqliteType.Text);
        var product = insert.Parameters.Add("@product", SqliteType.Text);
        var amount = insert.Parameters.Add("@amount", SqliteType.Text);
        var currency = insert.Parameters.Add("@currency", SqliteType.Text);
        var occurredAt = insert.Parameters.Add("@occurredAt", SqliteType.Integer);
        var acceptedAt = insert.Parameters.Add("@acceptedAt", SqliteType.Integer);
        for (var i = 0; i < orders.Count; i++)
        {
            var item = orders[i];
            ArgumentNullException.ThrowIfNull(item);
            order.Value = item.OrderNumber;
            kind.Value = OutboxCodes.KindText(item.Kind);
            user.Value = item.XcnUserId;
            product.Value = OutboxCodes.ProductText(item.Product);
            amount.Value = item.Amount is { } money ? money.Amount.ToString(CultureInfo.InvariantCulture) : DBNull.Value;
            currency.Value = (object?)item.Amount?.Currency ?? DBNull.Value;
            occurredAt.Value = item.OccurredAt.ToUnixTimeMilliseconds();
            acceptedAt.Value = item.AcceptedAt.ToUnixTimeMilliseconds();
            var added = await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
            var row = await ReadOutboxRowAsync(connection, transaction, item.Key, cancellationToken)
                ?? throw new InvalidOperationException("An outbox row vanished inside its own transaction.");
            results[i] = new OutboxAddOutcome(added, row);
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    public async Task<IReadOnlyList<OutboxRow>> ClaimBatchAsync(
        string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await writeGate.WaitAsync(cancellationToken);
        using var release = new GateRelease(writeGate);

        // Claims and completions may be lost to a power cut (synchronous = NORMAL): the row is then
        // posted again with the same idempotency key, and RRR replays its first answer.
        await using var connection = await OpenProcessingAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE earn_outbox
            SET status = 'CLAIMED', lease_owner = @owner, lease_until = @leaseUntil, next_attempt_at = @leaseUntil, updated_at = @now
            WHERE rowid IN (
                SELECT rowid FROM earn_outbox
                WHERE status IN ('PENDING', 'CLAIMED') AND next_attempt_at <= @now
                ORDER BY next_attempt_at, accepted_at
                LIMIT @max)
            RETURNING {OutboxColumns};
            """;
        command.Parameters.AddWithValue("@owner", owner);
        command.Parameters.AddWithValue("@leaseUntil", leaseUntil.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@max", max);
        var claimed = new List<OutboxRow>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(ReadOutboxRow(reader));
            }
        }

        // RETURNING gives no order guarantee; the dispatcher works oldest first.
        claimed.Sort((a, b) => a.Order.AcceptedAt.CompareTo(b.Order.AcceptedAt));
        return claimed;
    }

    public async Task<IReadOnlyList<bool>> CompleteManyAsync(
        string owner, IReadOnlyList<OutboxCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        var results = new bool[completions.Count];
        if (completions.Count == 0)
        {
            return results;
        }

        await writeGate.WaitAsync(cancellationToken);
        using var release = new GateRelease(writeGate);
        await using var connection = await OpenProcessingAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE earn_outbox SET
                status = @status,
                next_attempt_at = COALESCE(@retryAt, next_attempt_at),
                attempts = attempts + @increment,
                earn_event_id = CASE WHEN @status = 'POSTED' THEN @earnEventId ELSE earn_event_id END,
                points = CASE WHEN @status = 'POSTED' THEN @points ELSE points END,
                result_status = CASE WHEN @status = 'POSTED' THEN @resultStatus ELSE result_status END,
                last_error = @error,
                lease_owner = NULL, lease_until = NULL, updated_at = @now
            WHERE order_number = @order AND kind = @kind AND lease_owner = @owner AND status = 'CLAIMED';
            """;
        command.Parameters.AddWithValue("@owner", owner);
        command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        var status = command.Parameters.Add("@status", SqliteType.Text);
        var retryAt = command.Parameters.Add("@retryAt", SqliteType.Integer);
        var increment = command.Parameters.Add("@increment", SqliteType.Integer);
        var earnEventId = command.Parameters.Add("@earnEventId", SqliteType.Text);
        var points = command.Parameters.Add("@points", SqliteType.Integer);
        var resultStatus = command.Parameters.Add("@resultStatus", SqliteType.Text);
        var error = command.Parameters.Add("@error", SqliteType.Text);
        var order = command.Parameters.Add("@order", SqliteType.Text);
        var kind = command.Parameters.Add("@kind", SqliteType.Text);
        await using var reopen = PrepareReopen(connection, transaction, now);
        for (var i = 0; i < completions.Count; i++)
        {
            var completion = completions[i];
            ArgumentNullException.ThrowIfNull(completion);
            status.Value = OutboxCodes.StatusText(OutboxCodes.StatusAfter(completion.Kind));
            retryAt.Value = completion.Kind == CompletionKind.Retry && completion.RetryAt is { } at ? at.ToUnixTimeMilliseconds() : DBNull.Value;
            increment.Value = completion.Kind != CompletionKind.Posted && completion.CountsAsAttempt ? 1 : 0;
            earnEventId.Value = (object?)completion.Result?.EarnEventId ?? DBNull.Value;
            points.Value = (object?)completion.Result?.Points ?? DBNull.Value;
            resultStatus.Value = (object?)completion.Result?.Status ?? DBNull.Value;
            error.Value = completion.Kind == CompletionKind.Posted ? DBNull.Value : (object?)completion.ErrorCode ?? DBNull.Value;
            order.Value = completion.Key.OrderNumber;
            kind.Value = OutboxCodes.KindText(completion.Key.Kind);
            results[i] = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
            if (results[i] && completion.ReopensRefund)
            {
                reopen.Parameters["@order"].Value = completion.Key.OrderNumber;
                await reopen.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    async Task<OutboxRow?> IEarnOutbox.GetAsync(OutboxKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadOutboxRowAsync(connection, null, key, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<OutboxStatus, long>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        var counts = Enum.GetValues<OutboxStatus>().ToDictionary(s => s, _ => 0L);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, COUNT(*) FROM earn_outbox GROUP BY status;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[OutboxCodes.ParseStatus(reader.GetString(0))] = reader.GetInt64(1);
        }

        return counts;
    }

    public async Task<DateTimeOffset?> OldestWaitingAcceptedAtAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // ix_earn_outbox_due narrows the scan to the backlog.
        command.CommandText = "SELECT MIN(accepted_at) FROM earn_outbox WHERE status IN ('PENDING', 'CLAIMED');";
        return await command.ExecuteScalarAsync(cancellationToken) is long oldest ? FromUnixMs(oldest) : null;
    }

    public async Task<IReadOnlyList<OutboxRow>> ListAsync(OutboxStatus status, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {OutboxColumns} FROM earn_outbox WHERE status = @status
            ORDER BY updated_at DESC, order_number, kind LIMIT @take;
            """;
        command.Parameters.AddWithValue("@status", OutboxCodes.StatusText(status));
        command.Parameters.AddWithValue("@take", take);
        var rows = new List<OutboxRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadOutboxRow(reader));
        }

        return rows;
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

    private static SqliteCommand PrepareReopen(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now)
    {
        var reopen = connection.CreateCommand();
        reopen.Transaction = transaction;
        reopen.CommandText = ReopenRefundSql;
        reopen.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        reopen.Parameters.Add("@order", SqliteType.Text);
        return reopen;
    }

    public Task<long> RetryAllDeadAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        RetryWhereAsync("status = 'DEAD'", now, [], cancellationToken);

    private async Task<long> RetryWhereAsync(string where, DateTimeOffset now, SqliteParameter[] parameters, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        using var release = new GateRelease(writeGate);

        // A retry is an operator's decision: it gets the durable connection. It opens a new key generation, since
        // RRR keeps answering the old key with the refusal it stored (24 h); RRR's one-earn-per-order and
        // one-reversal-per-event rules keep a new key from earning or reversing twice.
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE earn_outbox SET status = 'PENDING', attempts = 0, next_attempt_at = @now,
                key_generation = key_generation + 1,
                earn_event_id = NULL, points = NULL, result_status = NULL,
                lease_owner = NULL, lease_until = NULL, updated_at = @now
            WHERE {where};
            """;
        command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<OutboxRow?> ReadOutboxRowAsync(
        SqliteConnection connection, SqliteTransaction? transaction, OutboxKey key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {OutboxColumns} FROM earn_outbox WHERE order_number = @order AND kind = @kind;";
        command.Parameters.AddWithValue("@order", key.OrderNumber);
        command.Parameters.AddWithValue("@kind", OutboxCodes.KindText(key.Kind));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadOutboxRow(reader) : null;
    }

    private static OutboxRow ReadOutboxRow(SqliteDataReader reader)
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
            FromUnixMs(reader.GetInt64(6)),
            FromUnixMs(reader.GetInt64(7)));
        EarnPostResult? result = reader.IsDBNull(15)
            ? null
            : new EarnPostResult(reader.IsDBNull(13) ? null : reader.GetString(13), reader.IsDBNull(14) ? null : reader.GetInt64(14), reader.GetString(15));
        return new OutboxRow(
            order,
            OutboxCodes.ParseStatus(reader.GetString(8)),
            reader.GetInt32(9),
            FromUnixMs(reader.GetInt64(10)),
            reader.IsDBNull(11) ? null : reader.GetString(11),
            reader.IsDBNull(12) ? null : FromUnixMs(reader.GetInt64(12)),
            result,
            reader.IsDBNull(16) ? null : reader.GetString(16),
            FromUnixMs(reader.GetInt64(17)),
            reader.GetInt32(18));
    }
}
