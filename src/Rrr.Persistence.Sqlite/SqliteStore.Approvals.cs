using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Rrr.Core.Features.Approvals;

namespace Rrr.Persistence.Sqlite;

/// <summary>
/// Approval requests and their append-only, hash-chained log. A change is one IMMEDIATE transaction:
/// the request row is replaced only if it still has the expected revision, and the log record takes the
/// next sequence number and the last record's hash, so the chain never forks. Triggers refuse UPDATE and
/// DELETE on the log: what an approver did stays as written (the hash chain catches whoever edits the file anyway).
/// </summary>
public sealed partial class SqliteStore : IApprovalStore
{
    private const string ApprovalsSchemaSql = """
        CREATE TABLE IF NOT EXISTS approval_requests (
            id                  TEXT NOT NULL PRIMARY KEY,
            kind                TEXT NOT NULL,
            subject_id          TEXT NOT NULL,
            payload_json        TEXT NOT NULL,
            payload_version     INTEGER NOT NULL,
            required_xcn        INTEGER NOT NULL,
            requires_rrr        INTEGER NOT NULL,
            maker_id            TEXT NOT NULL,
            status              TEXT NOT NULL,
            created_at          INTEGER NOT NULL,
            expires_at          INTEGER NOT NULL,
            revision            INTEGER NOT NULL,
            outcome_external_id TEXT NULL,
            outcome_status      TEXT NULL,
            outcome_version     INTEGER NULL,
            outcome_error       TEXT NULL,
            outcome_updated_at  INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS ix_approval_requests_kind_created ON approval_requests (kind, created_at);
        CREATE INDEX IF NOT EXISTS ix_approval_requests_external ON approval_requests (kind, outcome_external_id);
        CREATE INDEX IF NOT EXISTS ix_approval_requests_subject ON approval_requests (kind, subject_id, created_at);
        CREATE INDEX IF NOT EXISTS ix_approval_requests_queue ON approval_requests (created_at, id, expires_at) WHERE status = 'PENDING';
        CREATE INDEX IF NOT EXISTS ix_approval_requests_queue_kind ON approval_requests (kind, created_at, id, expires_at) WHERE status = 'PENDING';
        CREATE TABLE IF NOT EXISTS approval_log (
            seq             INTEGER NOT NULL PRIMARY KEY,
            request_id      TEXT NOT NULL,
            action          TEXT NOT NULL,
            actor_id        TEXT NOT NULL,
            actor_role      TEXT NOT NULL,
            payload_version INTEGER NOT NULL,
            reason          TEXT NULL,
            at              INTEGER NOT NULL,
            detail          TEXT NULL,
            previous_hash   TEXT NOT NULL,
            hash            TEXT NOT NULL,
            key_id          TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_approval_log_request ON approval_log (request_id, seq);
        CREATE TRIGGER IF NOT EXISTS approval_log_no_update BEFORE UPDATE ON approval_log
        BEGIN SELECT RAISE(ABORT, 'approval_log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS approval_log_no_delete BEFORE DELETE ON approval_log
        BEGIN SELECT RAISE(ABORT, 'approval_log is append-only'); END;
        """;

    private const string RequestColumns =
        "id, kind, subject_id, payload_json, payload_version, required_xcn, requires_rrr, maker_id, status, created_at, expires_at, revision, "
        + "outcome_external_id, outcome_status, outcome_version, outcome_error, outcome_updated_at";

    /// <summary>A new request, no outcome yet; bound by <see cref="AddRequestParameters"/> (the audit bench seeds with both).</summary>
    internal const string InsertRequestSql = $"""
        INSERT INTO approval_requests ({RequestColumns})
        VALUES (@id, @kind, @subject, @payload, @payloadVersion, @xcn, @rrr, @maker, @status, @createdAt, @expiresAt, @revision,
                NULL, NULL, NULL, NULL, NULL);
        """;

    private const string LogColumns =
        "seq, request_id, action, actor_id, actor_role, payload_version, reason, at, detail, previous_hash, hash, key_id";

    async Task IApprovalStore.CreateAsync(ApprovalRequest request, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(chain);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = InsertRequestSql;
            AddRequestParameters(insert, request);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await AppendLogAsync(connection, transaction, record, chain, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    async Task<bool> IApprovalStore.UpdateAsync(
        ApprovalRequest updated, long expectedRevision, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(chain);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = """
                UPDATE approval_requests SET payload_json = @payload, payload_version = @payloadVersion, required_xcn = @xcn,
                    requires_rrr = @rrr, status = @status, expires_at = @expiresAt, revision = @expectedRevision + 1
                WHERE id = @id AND revision = @expectedRevision;
                """;
            AddRequestParameters(update, updated);
            update.Parameters.AddWithValue("@expectedRevision", expectedRevision);
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }

        await AppendLogAsync(connection, transaction, record, chain, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    async Task<ApprovalRequest?> IApprovalStore.GetAsync(string id, CancellationToken cancellationToken)
    {
        var rows = await QueryRequestsAsync($"SELECT {RequestColumns} FROM approval_requests WHERE id = @id;", [new("@id", id)], cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    async Task<IReadOnlyList<ApprovalRecord>> IApprovalStore.GetRecordsAsync(string requestId, CancellationToken cancellationToken) =>
        await QueryLogAsync($"SELECT {LogColumns} FROM approval_log WHERE request_id = @id ORDER BY seq;", [new("@id", requestId)], cancellationToken);

    async Task<IReadOnlyList<ApprovalRecord>> IApprovalStore.GetRecordsForAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestIds);
        if (requestIds.Count == 0)
        {
            return [];
        }

        // One parameter per id (a page holds at most ~100), so the (request_id, seq) index serves each.
        var parameters = requestIds.Select((id, i) => new SqliteParameter("@r" + i.ToString(CultureInfo.InvariantCulture), id)).ToArray();
        return await QueryLogAsync(
            $"SELECT {LogColumns} FROM approval_log WHERE request_id IN ({string.Join(", ", parameters.Select(p => p.ParameterName))}) ORDER BY seq;",
            parameters,
            cancellationToken);
    }

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListPendingAsync(ApprovalQueueQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();

        // status = 'PENDING' is a literal so SQLite can use the partial queue indexes; the row-value comparison
        // is the keyset seek on (created_at, id). Expired rows still sit in the index and are stepped over there.
        var sql = new StringBuilder($"SELECT {RequestColumns} FROM approval_requests WHERE status = 'PENDING' AND expires_at > @now");
        List<SqliteParameter> parameters = [new("@now", query.Now.ToUnixTimeMilliseconds()), new("@take", query.Take)];
        if (query.Kind is not null)
        {
            sql.Append(" AND kind = @kind");
            parameters.Add(new("@kind", query.Kind));
        }

        if (query.After is { } after)
        {
            sql.Append(" AND (created_at, id) > (@afterCreated, @afterId)");
            parameters.Add(new("@afterCreated", after.CreatedAt.ToUnixTimeMilliseconds()));
            parameters.Add(new("@afterId", after.Id));
        }

        sql.Append(" ORDER BY created_at, id LIMIT @take;");
        return await QueryRequestsAsync(sql.ToString(), [.. parameters], cancellationToken);
    }

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListAsync(string kind, int take, CancellationToken cancellationToken) =>
        await QueryRequestsAsync(
            $"SELECT {RequestColumns} FROM approval_requests WHERE kind = @kind ORDER BY created_at DESC, id DESC LIMIT @take;",
            [new("@kind", kind), new("@take", take)],
            cancellationToken);

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListForSubjectAsync(string kind, string subjectId, int take, CancellationToken cancellationToken) =>
        await QueryRequestsAsync(
            $"SELECT {RequestColumns} FROM approval_requests WHERE kind = @kind AND subject_id = @subject ORDER BY created_at DESC, id DESC LIMIT @take;",
            [new("@kind", kind), new("@subject", subjectId), new("@take", take)],
            cancellationToken);

    async Task<ApprovalRequest?> IApprovalStore.FindByExternalIdAsync(string kind, string externalId, CancellationToken cancellationToken)
    {
        var rows = await QueryRequestsAsync(
            $"SELECT {RequestColumns} FROM approval_requests WHERE kind = @kind AND outcome_external_id = @external LIMIT 1;",
            [new("@kind", kind), new("@external", externalId)],
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    async Task<bool> IApprovalStore.SetOutcomeAsync(string requestId, ApprovalOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // Equal versions may overwrite: a re-read of the same RRR version can add the id a failed post lacked.
        command.CommandText = """
            UPDATE approval_requests SET outcome_external_id = COALESCE(@external, outcome_external_id), outcome_status = @status,
                outcome_version = @version, outcome_error = @error, outcome_updated_at = @updatedAt
            WHERE id = @id AND (outcome_version IS NULL OR outcome_version <= @version);
            """;
        command.Parameters.AddWithValue("@id", requestId);
        command.Parameters.AddWithValue("@external", (object?)outcome.ExternalId ?? DBNull.Value);
        command.Parameters.AddWithValue("@status", outcome.Status);
        command.Parameters.AddWithValue("@version", outcome.Version);
        command.Parameters.AddWithValue("@error", (object?)outcome.ErrorCode ?? DBNull.Value);
        command.Parameters.AddWithValue("@updatedAt", outcome.UpdatedAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListByIdAsync(string? afterId, int take, CancellationToken cancellationToken) =>
        await QueryRequestsAsync(
            $"SELECT {RequestColumns} FROM approval_requests WHERE id > @after ORDER BY id LIMIT @take;",
            [new("@after", afterId ?? ""), new("@take", take)],
            cancellationToken);

    async Task<IReadOnlyList<ApprovalRecord>> IApprovalStore.ReadLogAsync(long afterSequence, int take, CancellationToken cancellationToken) =>
        await QueryLogAsync(
            $"SELECT {LogColumns} FROM approval_log WHERE seq > @after ORDER BY seq LIMIT @take;",
            [new("@after", afterSequence), new("@take", take)],
            cancellationToken);

    private static async Task AppendLogAsync(
        SqliteConnection connection, SqliteTransaction transaction, ApprovalRecordDraft draft, ApprovalChainKeys chain, CancellationToken cancellationToken)
    {
        long lastSequence = 0;
        var previousHash = ApprovalChain.Genesis;
        await using (var last = connection.CreateCommand())
        {
            last.Transaction = transaction;
            last.CommandText = "SELECT seq, hash FROM approval_log ORDER BY seq DESC LIMIT 1;";
            await using var reader = await last.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                lastSequence = reader.GetInt64(0);
                previousHash = reader.GetString(1);
            }
        }

        var record = chain.Seal(draft, lastSequence + 1, previousHash);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"""
            INSERT INTO approval_log ({LogColumns})
            VALUES (@seq, @requestId, @action, @actorId, @actorRole, @payloadVersion, @reason, @at, @detail, @previousHash, @hash, @keyId);
            """;
        insert.Parameters.AddWithValue("@keyId", (object?)record.KeyId ?? DBNull.Value);
        insert.Parameters.AddWithValue("@seq", record.Sequence);
        insert.Parameters.AddWithValue("@requestId", record.RequestId);
        insert.Parameters.AddWithValue("@action", ApprovalCodes.ActionText(record.Action));
        insert.Parameters.AddWithValue("@actorId", record.ActorId);
        insert.Parameters.AddWithValue("@actorRole", record.ActorRole);
        insert.Parameters.AddWithValue("@payloadVersion", record.PayloadVersion);
        insert.Parameters.AddWithValue("@reason", (object?)record.Reason ?? DBNull.Value);
        insert.Parameters.AddWithValue("@at", record.At.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("@detail", (object?)record.Detail ?? DBNull.Value);
        insert.Parameters.AddWithValue("@previousHash", record.PreviousHash);
        insert.Parameters.AddWithValue("@hash", record.Hash);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static void AddRequestParameters(SqliteCommand command, ApprovalRequest request)
    {
        command.Parameters.AddWithValue("@id", request.Id);
        command.Parameters.AddWithValue("@kind", request.Kind);
        command.Parameters.AddWithValue("@subject", request.SubjectId);
        command.Parameters.AddWithValue("@payload", request.PayloadJson);
        command.Parameters.AddWithValue("@payloadVersion", request.PayloadVersion);
        command.Parameters.AddWithValue("@xcn", request.Policy.RequiredXcnApprovers);
        command.Parameters.AddWithValue("@rrr", request.Policy.RequiresRrrAdmin ? 1 : 0);
        command.Parameters.AddWithValue("@maker", request.MakerId);
        command.Parameters.AddWithValue("@status", ApprovalCodes.StatusText(request.Status));
        command.Parameters.AddWithValue("@createdAt", request.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@expiresAt", request.ExpiresAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@revision", request.Revision);
    }

    private async Task<List<ApprovalRequest>> QueryRequestsAsync(string sql, SqliteParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ApprovalRequest>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ApprovalOutcome? outcome = reader.IsDBNull(13)
                ? null
                : new ApprovalOutcome(
                    reader.IsDBNull(12) ? null : reader.GetString(12),
                    reader.GetString(13),
                    reader.GetInt64(14),
                    reader.IsDBNull(15) ? null : reader.GetString(15),
                    FromUnixMs(reader.GetInt64(16)));
            rows.Add(new ApprovalRequest(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                new ApprovalPolicy(reader.GetInt32(5), reader.GetInt64(6) != 0), reader.GetString(7),
                ApprovalCodes.ParseStatus(reader.GetString(8)), FromUnixMs(reader.GetInt64(9)), FromUnixMs(reader.GetInt64(10)),
                reader.GetInt64(11), outcome));
        }

        return rows;
    }

    private async Task<List<ApprovalRecord>> QueryLogAsync(string sql, SqliteParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ApprovalRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ApprovalRecord(
                reader.GetInt64(0),
                new ApprovalRecordDraft(
                    reader.GetString(1), ApprovalCodes.ParseAction(reader.GetString(2)), reader.GetString(3), reader.GetString(4),
                    reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6), FromUnixMs(reader.GetInt64(7)),
                    reader.IsDBNull(8) ? null : reader.GetString(8)),
                reader.GetString(9), reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11)));
        }

        return rows;
    }
}
