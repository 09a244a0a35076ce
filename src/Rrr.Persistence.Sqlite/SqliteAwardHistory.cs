namespace Rrr.Persistence.Sqlite;

/// <summary>Award history: one row per (model, client award id), so a repeated submit finds its first row.</summary>
public sealed class SqliteAwardHistory(SqliteDatabase database) : IAwardHistoryStore
{
    private const string AwardColumns =
        "model_xcn_user_id, client_award_id, model_member_id, viewer_xcn_user_id, points, room_id, stream_id, status, "
        + "award_intent_id, award_id, failure_code, trace_id, created_at, updated_at, committed_at";

    public Task<AwardRecord> StartAsync(AwardRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return database.WithConnectionAsync(async connection =>
        {
            await connection.ExecuteAsync(
                null,
                $"""
                INSERT INTO award_history ({AwardColumns})
                VALUES (@model, @client, @modelMember, @viewer, @points, @room, @stream, @status,
                        @intent, @award, @failure, @trace, @createdAt, @updatedAt, @committedAt)
                ON CONFLICT (model_xcn_user_id, client_award_id) DO NOTHING;
                """,
                cancellationToken,
                p =>
                {
                    p.AddWithValue("@modelMember", record.ModelMemberId);
                    p.AddWithValue("@viewer", record.ViewerXcnUserId);
                    p.AddWithValue("@points", record.Points);
                    p.AddWithValue("@room", record.RoomId);
                    p.AddWithValue("@stream", record.StreamId);
                    p.AddWithValue("@createdAt", record.CreatedAt.ToUnixTimeMilliseconds());
                    AddProgressParameters(p, new AwardUpdate(
                        record.ModelXcnUserId, record.ClientAwardId, record.Status, record.AwardIntentId, record.AwardId,
                        record.FailureCode, record.TraceId, record.UpdatedAt, record.CommittedAt));
                });
            return await ReadAwardAsync(connection, record.ModelXcnUserId, record.ClientAwardId, cancellationToken)
                ?? throw new InvalidOperationException("The award row vanished right after it was written.");
        }, cancellationToken);
    }

    public async Task<bool> UpdateAsync(AwardUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);

        // COALESCE keeps ids learnt earlier (an intent id survives a later failure without one).
        return await database.ExecuteAsync(
            """
            UPDATE award_history SET
                status = @status,
                award_intent_id = COALESCE(@intent, award_intent_id),
                award_id = COALESCE(@award, award_id),
                failure_code = @failure,
                trace_id = COALESCE(@trace, trace_id),
                updated_at = @updatedAt,
                committed_at = COALESCE(@committedAt, committed_at)
            WHERE model_xcn_user_id = @model AND client_award_id = @client
              AND (status NOT IN ('COMMITTED', 'REVERSED') OR (status = 'COMMITTED' AND @status = 'REVERSED'));
            """,
            p => AddProgressParameters(p, update),
            cancellationToken) == 1;
    }

    public Task<AwardRecord?> GetAsync(string modelXcnUserId, string clientAwardId, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(connection => ReadAwardAsync(connection, modelXcnUserId, clientAwardId, cancellationToken), cancellationToken);

    public Task<AwardRecord?> FindByIntentAsync(string awardIntentId, CancellationToken cancellationToken) =>
        database.QueryFirstAsync(
            $"SELECT {AwardColumns} FROM award_history WHERE award_intent_id = @intent LIMIT 1;",
            p => p.AddWithValue("@intent", awardIntentId),
            ReadAward,
            cancellationToken);

    public Task<AwardHistoryPage> ListAsync(string modelXcnUserId, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelXcnUserId);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        return database.CountAndReadAsync(
            AwardColumns, "award_history", new SqliteWhere().And("model_xcn_user_id = @model", ("@model", modelXcnUserId)),
            "created_at DESC, client_award_id DESC", skip, take, ReadAward, (items, total) => new AwardHistoryPage(items, total), cancellationToken);
    }

    public async Task<AwardTotals> TotalsAsync(string modelXcnUserId, string streamId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelXcnUserId);
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        return await database.QueryFirstAsync(
            """
            SELECT
                COALESCE(SUM(CASE WHEN stream_id = @stream AND status = 'COMMITTED' THEN points END), 0),
                COUNT(CASE WHEN stream_id = @stream AND status = 'COMMITTED' THEN 1 END),
                COALESCE(SUM(CASE WHEN stream_id = @stream AND status IN ('PENDING', 'COMMITTED') THEN points END), 0),
                COALESCE(SUM(CASE WHEN created_at >= @since AND status = 'COMMITTED' THEN points END), 0),
                COUNT(CASE WHEN created_at >= @since AND status = 'COMMITTED' THEN 1 END)
            FROM award_history
            WHERE model_xcn_user_id = @model AND (stream_id = @stream OR created_at >= @since);
            """,
            p =>
            {
                p.AddWithValue("@model", modelXcnUserId);
                p.AddWithValue("@stream", streamId);
                p.AddWithValue("@since", since.ToUnixTimeMilliseconds());
            },
            r => new AwardTotals(r.GetInt64(0), r.GetInt32(1), r.GetInt64(2), r.GetInt64(3), r.GetInt32(4)),
            cancellationToken) ?? AwardTotals.None;
    }

    // The key and the columns a later update may change: the insert binds them too, with the record's first values.
    private static void AddProgressParameters(SqliteParameterCollection p, AwardUpdate update)
    {
        p.AddWithValue("@model", update.ModelXcnUserId);
        p.AddWithValue("@client", update.ClientAwardId);
        p.AddWithValue("@status", AwardStatusText.Of(update.Status));
        p.AddWithValue("@intent", update.AwardIntentId.OrNull());
        p.AddWithValue("@award", update.AwardId.OrNull());
        p.AddWithValue("@failure", update.FailureCode.OrNull());
        p.AddWithValue("@trace", update.TraceId.OrNull());
        p.AddWithValue("@updatedAt", update.UpdatedAt.ToUnixTimeMilliseconds());
        p.AddWithValue("@committedAt", (update.CommittedAt?.ToUnixTimeMilliseconds()).OrNull());
    }

    private static async Task<AwardRecord?> ReadAwardAsync(
        SqliteConnection connection, string modelXcnUserId, string clientAwardId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync(
            null,
            $"SELECT {AwardColumns} FROM award_history WHERE model_xcn_user_id = @model AND client_award_id = @client;",
            p =>
            {
                p.AddWithValue("@model", modelXcnUserId);
                p.AddWithValue("@client", clientAwardId);
            },
            ReadAward,
            cancellationToken)).FirstOrDefault();

    private static AwardRecord ReadAward(SqliteDataReader r) => new(
        ModelXcnUserId: r.GetString(0),
        ClientAwardId: r.GetString(1),
        ModelMemberId: r.GetString(2),
        ViewerXcnUserId: r.GetString(3),
        Points: r.GetInt64(4),
        RoomId: r.GetString(5),
        StreamId: r.GetString(6),
        Status: AwardStatusText.Parse(r.GetString(7)),
        AwardIntentId: r.GetStringOrNull(8),
        AwardId: r.GetStringOrNull(9),
        FailureCode: r.GetStringOrNull(10),
        TraceId: r.GetStringOrNull(11),
        CreatedAt: r.GetTime(12),
        UpdatedAt: r.GetTime(13),
        CommittedAt: r.GetTimeOrNull(14));

    internal static SqliteSchema Schema { get; } = new("""
        CREATE TABLE IF NOT EXISTS award_history (
            model_xcn_user_id  TEXT NOT NULL,
            client_award_id    TEXT NOT NULL,
            model_member_id    TEXT NOT NULL,
            viewer_xcn_user_id TEXT NOT NULL,
            points             INTEGER NOT NULL,
            room_id            TEXT NOT NULL,
            stream_id          TEXT NOT NULL,
            status             TEXT NOT NULL,
            award_intent_id    TEXT NULL,
            award_id           TEXT NULL,
            failure_code       TEXT NULL,
            trace_id           TEXT NULL,
            created_at         INTEGER NOT NULL,
            updated_at         INTEGER NOT NULL,
            committed_at       INTEGER NULL,
            PRIMARY KEY (model_xcn_user_id, client_award_id)
        );
        CREATE INDEX IF NOT EXISTS ix_award_history_model_created_at ON award_history (model_xcn_user_id, created_at);
        CREATE INDEX IF NOT EXISTS ix_award_history_intent ON award_history (award_intent_id) WHERE award_intent_id IS NOT NULL;
        """);
}
