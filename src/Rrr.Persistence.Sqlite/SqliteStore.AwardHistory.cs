using System.Globalization;
using Microsoft.Data.Sqlite;
using Rrr.Core.Features.Awards;

namespace Rrr.Persistence.Sqlite;

/// <summary>Award history: one row per (model, client award id), so a repeated submit finds its first row.</summary>
public sealed partial class SqliteStore : IAwardHistoryStore
{
    private const string AwardHistorySchemaSql = """
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
        """;

    private const string AwardColumns =
        "model_xcn_user_id, client_award_id, model_member_id, viewer_xcn_user_id, points, room_id, stream_id, status, "
        + "award_intent_id, award_id, failure_code, trace_id, created_at, updated_at, committed_at";

    public async Task<AwardRecord> StartAsync(AwardRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await OpenAsync(cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = $"""
                INSERT INTO award_history ({AwardColumns})
                VALUES (@model, @client, @modelMember, @viewer, @points, @room, @stream, @status,
                        @intent, @award, @failure, @trace, @createdAt, @updatedAt, @committedAt)
                ON CONFLICT (model_xcn_user_id, client_award_id) DO NOTHING;
                """;
            insert.Parameters.AddWithValue("@model", record.ModelXcnUserId);
            insert.Parameters.AddWithValue("@client", record.ClientAwardId);
            insert.Parameters.AddWithValue("@modelMember", record.ModelMemberId);
            insert.Parameters.AddWithValue("@viewer", record.ViewerXcnUserId);
            insert.Parameters.AddWithValue("@points", record.Points);
            insert.Parameters.AddWithValue("@room", record.RoomId);
            insert.Parameters.AddWithValue("@stream", record.StreamId);
            insert.Parameters.AddWithValue("@status", AwardStatusText.Of(record.Status));
            insert.Parameters.AddWithValue("@intent", (object?)record.AwardIntentId ?? DBNull.Value);
            insert.Parameters.AddWithValue("@award", (object?)record.AwardId ?? DBNull.Value);
            insert.Parameters.AddWithValue("@failure", (object?)record.FailureCode ?? DBNull.Value);
            insert.Parameters.AddWithValue("@trace", (object?)record.TraceId ?? DBNull.Value);
            insert.Parameters.AddWithValue("@createdAt", record.CreatedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("@updatedAt", record.UpdatedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("@committedAt", (object?)record.CommittedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return await ReadAwardAsync(connection, record.ModelXcnUserId, record.ClientAwardId, cancellationToken)
            ?? throw new InvalidOperationException("The award row vanished right after it was written.");
    }

    public async Task<bool> UpdateAsync(AwardUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // COALESCE keeps ids learnt earlier (an intent id survives a later failure without one).
        command.CommandText = """
            UPDATE award_history SET
                status = @status,
                award_intent_id = COALESCE(@intent, award_intent_id),
                award_id = COALESCE(@award, award_id),
                failure_code = @failure,
                trace_id = COALESCE(@trace, trace_id),
                updated_at = @updatedAt,
                committed_at = COALESCE(@committedAt, committed_at)
            WHERE model_xcn_user_id = @model AND client_award_id = @client AND status <> 'COMMITTED';
            """;
        command.Parameters.AddWithValue("@model", update.ModelXcnUserId);
        command.Parameters.AddWithValue("@client", update.ClientAwardId);
        command.Parameters.AddWithValue("@status", AwardStatusText.Of(update.Status));
        command.Parameters.AddWithValue("@intent", (object?)update.AwardIntentId ?? DBNull.Value);
        command.Parameters.AddWithValue("@award", (object?)update.AwardId ?? DBNull.Value);
        command.Parameters.AddWithValue("@failure", (object?)update.FailureCode ?? DBNull.Value);
        command.Parameters.AddWithValue("@trace", (object?)update.TraceId ?? DBNull.Value);
        command.Parameters.AddWithValue("@updatedAt", update.UpdatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@committedAt", (object?)update.CommittedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<AwardRecord?> GetAsync(string modelXcnUserId, string clientAwardId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadAwardAsync(connection, modelXcnUserId, clientAwardId, cancellationToken);
    }

    public async Task<AwardHistoryPage> ListAsync(string modelXcnUserId, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelXcnUserId);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        long total;
        await using (var count = connection.CreateCommand())
        {
            count.Transaction = transaction;
            count.CommandText = "SELECT COUNT(*) FROM award_history WHERE model_xcn_user_id = @model;";
            count.Parameters.AddWithValue("@model", modelXcnUserId);
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        var items = new List<AwardRecord>();
        await using (var page = connection.CreateCommand())
        {
            page.Transaction = transaction;
            page.CommandText = $"""
                SELECT {AwardColumns} FROM award_history WHERE model_xcn_user_id = @model
                ORDER BY created_at DESC, client_award_id DESC LIMIT @take OFFSET @skip;
                """;
            page.Parameters.AddWithValue("@model", modelXcnUserId);
            page.Parameters.AddWithValue("@take", take);
            page.Parameters.AddWithValue("@skip", skip);
            await using var reader = await page.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(ReadAward(reader));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new AwardHistoryPage(items, total);
    }

    private static async Task<AwardRecord?> ReadAwardAsync(
        SqliteConnection connection, string modelXcnUserId, string clientAwardId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AwardColumns} FROM award_history WHERE model_xcn_user_id = @model AND client_award_id = @client;";
        command.Parameters.AddWithValue("@model", modelXcnUserId);
        command.Parameters.AddWithValue("@client", clientAwardId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAward(reader) : null;
    }

    private static AwardRecord ReadAward(SqliteDataReader r) => new(
        ModelXcnUserId: r.GetString(0),
        ClientAwardId: r.GetString(1),
        ModelMemberId: r.GetString(2),
        ViewerXcnUserId: r.GetString(3),
        Points: r.GetInt64(4),
        RoomId: r.GetString(5),
        StreamId: r.GetString(6),
        Status: AwardStatusText.Parse(r.GetString(7)),
        AwardIntentId: r.IsDBNull(8) ? null : r.GetString(8),
        AwardId: r.IsDBNull(9) ? null : r.GetString(9),
        FailureCode: r.IsDBNull(10) ? null : r.GetString(10),
        TraceId: r.IsDBNull(11) ? null : r.GetString(11),
        CreatedAt: FromUnixMs(r.GetInt64(12)),
        UpdatedAt: FromUnixMs(r.GetInt64(13)),
        CommittedAt: r.IsDBNull(14) ? null : FromUnixMs(r.GetInt64(14)));
}
