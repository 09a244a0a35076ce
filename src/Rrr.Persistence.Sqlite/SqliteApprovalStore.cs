namespace Rrr.Persistence.Sqlite;

/// <summary>
/// Approval requests and their append-only, hash-chained log. A change is one IMMEDIATE transaction:
/// the request row is replaced only if it still has the expected revision, and the log record takes the
/// next sequence number and the last record's hash, so the chain never forks. Triggers refuse UPDATE and
/// DELETE on the log: what an approver did stays as written (the hash chain catches whoever edits the file anyway).
/// </summary>
public sealed class SqliteApprovalStore(SqliteDatabase database) : IApprovalStore
{
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

    // Approval writes do not take the writer gate (unchanged from the single store class); the busy timeout covers them.
    public async Task CreateAsync(ApprovalRequest request, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(chain);
        await database.TransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(transaction, InsertRequestSql, cancellationToken, p => AddRequestParameters(p, request));
            await AppendLogAsync(connection, transaction, record, chain, cancellationToken);
            return true;
        }, cancellationToken);
    }

    public async Task<bool> UpdateAsync(
        ApprovalRequest updated, long expectedRevision, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(chain);

        // A revision that moved on means another decision got there first: nothing is written (rolled back).
        return await database.TransactionAsync(
            async (connection, transaction) =>
            {
                var changed = await connection.ExecuteAsync(
                    transaction,
                    """
                    UPDATE approval_requests SET payload_json = @payload, payload_version = @payloadVersion, required_xcn = @xcn,
                        requires_rrr = @rrr, status = @status, expires_at = @expiresAt, revision = @expectedRevision + 1
                    WHERE id = @id AND revision = @expectedRevision;
                    """,
                    cancellationToken,
                    p =>
                    {
                        AddRequestParameters(p, updated);
                        p.AddWithValue("@expectedRevision", expectedRevision);
                    });
                if (changed != 1)
                {
                    return false;
                }

                await AppendLogAsync(connection, transaction, record, chain, cancellationToken);
                return true;
            },
            cancellationToken,
            commitWhen: appended => appended);
    }

    public async Task<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryRequestsAsync($"SELECT {RequestColumns} FROM approval_requests WHERE id = @id;", [new("@id", id)], cancellationToken))
        .FirstOrDefault();

    public async Task<IReadOnlyList<ApprovalRecord>> GetRecordsAsync(string requestId, CancellationToken cancellationToken) =>
        await QueryLogAsync($"SELECT {LogColumns} FROM approval_log WHERE request_id = @id ORDER BY seq;", [new("@id", requestId)], cancellationToken);

    public async Task<IReadOnlyList<ApprovalRecord>> GetRecordsForAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken)
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

    public async Task<IReadOnlyList<ApprovalRequest>> ListPendingAsync(ApprovalQueueQuery query, CancellationToken cancellationToken)
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

    public async Task<IReadOnlyList<ApprovalRequest>> ListAsync(string kind, int take, CancellationToken cancellationToken) =>
        await QueryRequestsAsync(
            $"SELECT {RequestColumns} FROM approval_requests WHERE kind = @kind ORDER BY created_at DESC, id DESC LIMIT @take;",
            [new("@kind", kind), new("@take", take)],
            cancellationToken);

    public async Task<IReadOnlyList<ApprovalRequest>> ListForSubjectAsync(string kind, string subjectId, int take, CancellationToken cancellationToken) =>
        await QueryRequestsAsync(
            $"SELECT {RequestColumns} FROM approval_requests WHERE kind = @kind AND subject_id = @subject ORDER BY created_at DESC, id DESC LIMIT @take;",
            [new("@kind", kind), new("@subject", subjectId), new("@take", take)],
            cancellationToken);

    public async Task<ApprovalRequest?> FindByExternalIdAsync(string kind, string externalId, CancellationToken cancellationToken) =>
        (await QueryRequestsAsync(
            $"SELECT {RequestColumns} FROM approval_requests WHERE kind = @kind AND outcome_external_id = @external LIMIT 1;",
            [new("@kind", kind), new("@external", externalId)],
            cancellationToken)).FirstOrDefault();

    public async Task<bool> SetOutcomeAsync(string requestId, ApprovalOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);

        // Equal versions may overwrite: a re-read of the same RRR version can add the id a failed post lacked.
        return await database.ExecuteAsync(
            """
            UPDATE approval_requests SET outcome_external_id = COALESCE(@external, outcome_external_id), outcome_status = @status,
                outcome_version = @version, outcome_error = @error, outcome_updated_at = @updatedAt
            WHERE id = @id AND (outcome_version IS NULL OR outcome_version <= @version);
            """,
            p =>
            {
                p.AddWithValue("@id", requestId);
                p.AddWithValue("@external", outcome.ExternalId.OrNull());
                p.AddWithValue("@status", outcome.Status);
                p.AddWithValue("@version", outcome.Version);
                p.AddWithValue("@error", outcome.ErrorCode.OrNull());
                p.AddWithValue("@updatedAt", outcome.UpdatedAt.ToUnixTimeMilliseconds());
            },
            cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<ApprovalRequest>> ListByIdAsync(string? afterId, int take, CancellationToken cancellationToken) =>
        await QueryRequestsAsync(
            $"SELECT {RequestColumns} FROM approval_requests WHERE id > @after ORDER BY id LIMIT @take;",
            [new("@after", afterId ?? ""), new("@take", take)],
            cancellationToken);

    public async Task<IReadOnlyList<ApprovalRecord>> ReadLogAsync(long afterSequence, int take, CancellationToken cancellationToken) =>
        await QueryLogAsync(
            $"SELECT {LogColumns} FROM approval_log WHERE seq > @after ORDER BY seq LIMIT @take;",
            [new("@after", afterSequence), new("@take", take)],
            cancellationToken);

    internal static void AddRequestParameters(SqliteParameterCollection parameters, ApprovalRequest request)
    {
        parameters.AddWithValue("@id", request.Id);
        parameters.AddWithValue("@kind", request.Kind);
        parameters.AddWithValue("@subject", request.SubjectId);
        parameters.AddWithValue("@payload", request.PayloadJson);
        parameters.AddWithValue("@payloadVersion", request.PayloadVersion);
        parameters.AddWithValue("@xcn", request.Policy.RequiredXcnApprovers);
        parameters.AddWithValue("@rrr", request.Policy.RequiresRrrAdmin ? 1 : 0);
        parameters.AddWithValue("@maker", request.MakerId);
        parameters.AddWithValue("@status", ApprovalCodes.StatusText(request.Status));
        parameters.AddWithValue("@createdAt", request.CreatedAt.ToUnixTimeMilliseconds());
        parameters.AddWithValue("@expiresAt", request.ExpiresAt.ToUnixTimeMilliseconds());
        parameters.AddWithValue("@revision", request.Revision);
    }

    private static async Task AppendLogAsync(
        SqliteConnection connection, SqliteTransaction transaction, ApprovalRecordDraft draft, ApprovalChainKeys chain, CancellationToken cancellationToken)
    {
        var last = (await connection.QueryAsync(
            transaction,
            "SELECT seq, hash FROM approval_log ORDER BY seq DESC LIMIT 1;",
            _ => { },
            reader => (Sequence: reader.GetInt64(0), Hash: reader.GetString(1)),
            cancellationToken)).FirstOrDefault((Sequence: 0L, Hash: ApprovalChain.Genesis));
        var record = chain.Seal(draft, last.Sequence + 1, last.Hash);
        await connection.ExecuteAsync(
            transaction,
            $"""
            INSERT INTO approval_log ({LogColumns})
            VALUES (@seq, @requestId, @action, @actorId, @actorRole, @payloadVersion, @reason, @at, @detail, @previousHash, @hash, @keyId);
            """,
            cancellationToken,
            p =>
            {
                p.AddWithValue("@keyId", record.KeyId.OrNull());
                p.AddWithValue("@seq", record.Sequence);
                p.AddWithValue("@requestId", record.RequestId);
                p.AddWithValue("@action", ApprovalCodes.ActionText(record.Action));
                p.AddWithValue("@actorId", record.ActorId);
                p.AddWithValue("@actorRole", record.ActorRole);
                p.AddWithValue("@payloadVersion", record.PayloadVersion);
                p.AddWithValue("@reason", record.Reason.OrNull());
                p.AddWithValue("@at", record.At.ToUnixTimeMilliseconds());
                p.AddWithValue("@detail", record.Detail.OrNull());
                p.AddWithValue("@previousHash", record.PreviousHash);
                p.AddWithValue("@hash", record.Hash);
            });
    }

    private Task<List<ApprovalRequest>> QueryRequestsAsync(string sql, SqliteParameter[] parameters, CancellationToken cancellationToken) =>
        database.QueryAsync(sql, p => p.AddRange(parameters), SqliteApprovalRows.ReadRequest, cancellationToken);

    private Task<List<ApprovalRecord>> QueryLogAsync(string sql, SqliteParameter[] parameters, CancellationToken cancellationToken) =>
        database.QueryAsync(sql, p => p.AddRange(parameters), SqliteApprovalRows.ReadRecord, cancellationToken);

    // The keyed chain came later: records from before keep NULL in key_id and verify as legacy.
    internal static SqliteSchema Schema { get; } = new(
        """
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
        """,
        new ColumnAddition("approval_log", "key_id", "TEXT NULL"));
}
