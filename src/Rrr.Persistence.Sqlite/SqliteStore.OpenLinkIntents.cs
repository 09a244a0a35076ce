using Rrr.Core.Features.Links;

namespace Rrr.Persistence.Sqlite;

/// <summary>The link intent each XCN user is in the middle of, so the wizard resumes at the code step after a refresh.</summary>
public sealed partial class SqliteStore : IOpenLinkIntentStore
{
    private const string OpenLinkIntentsSchemaSql = """
        CREATE TABLE IF NOT EXISTS open_link_intents (
            xcn_user_id        TEXT NOT NULL PRIMARY KEY,
            intent_id          TEXT NOT NULL,
            expires_at         INTEGER NOT NULL,
            attempts_remaining INTEGER NOT NULL,
            confirm_attempts   INTEGER NOT NULL,
            created_at         INTEGER NOT NULL
        );
        """;

    public async Task<OpenLinkIntent?> GetOpenLinkIntentAsync(string xcnUserId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT intent_id, expires_at, attempts_remaining, confirm_attempts, created_at
            FROM open_link_intents WHERE xcn_user_id = @x;
            """;
        command.Parameters.AddWithValue("@x", xcnUserId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new OpenLinkIntent(xcnUserId, reader.GetString(0), FromUnixMs(reader.GetInt64(1)), reader.GetInt32(2), reader.GetInt32(3),
                FromUnixMs(reader.GetInt64(4)))
            : null;
    }

    public async Task SaveOpenLinkIntentAsync(OpenLinkIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // Saving the same intent again (a replayed start) keeps its counters; another intent starts afresh.
        command.CommandText = """
            INSERT INTO open_link_intents (xcn_user_id, intent_id, expires_at, attempts_remaining, confirm_attempts, created_at)
            VALUES (@x, @id, @expires, @left, @tries, @created)
            ON CONFLICT (xcn_user_id) DO UPDATE SET
                intent_id = excluded.intent_id, expires_at = excluded.expires_at,
                attempts_remaining = excluded.attempts_remaining, confirm_attempts = excluded.confirm_attempts,
                created_at = excluded.created_at
            WHERE open_link_intents.intent_id <> excluded.intent_id;
            """;
        command.Parameters.AddWithValue("@x", intent.XcnUserId);
        command.Parameters.AddWithValue("@id", intent.IntentId);
        command.Parameters.AddWithValue("@expires", intent.ExpiresAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@left", intent.AttemptsRemaining);
        command.Parameters.AddWithValue("@tries", intent.ConfirmAttempts);
        command.Parameters.AddWithValue("@created", intent.CreatedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int?> NextConfirmAttemptAsync(string xcnUserId, string intentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE open_link_intents SET confirm_attempts = confirm_attempts + 1
            WHERE xcn_user_id = @x AND intent_id = @id
            RETURNING confirm_attempts;
            """;
        command.Parameters.AddWithValue("@x", xcnUserId);
        command.Parameters.AddWithValue("@id", intentId);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null ? null : Convert.ToInt32(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task SetAttemptsRemainingAsync(string xcnUserId, string intentId, int attemptsRemaining, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE open_link_intents SET attempts_remaining = @left WHERE xcn_user_id = @x AND intent_id = @id;";
        command.Parameters.AddWithValue("@left", attemptsRemaining);
        command.Parameters.AddWithValue("@x", xcnUserId);
        command.Parameters.AddWithValue("@id", intentId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteOpenLinkIntentAsync(string xcnUserId, string intentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM open_link_intents WHERE xcn_user_id = @x AND intent_id = @id;";
        command.Parameters.AddWithValue("@x", xcnUserId);
        command.Parameters.AddWithValue("@id", intentId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
