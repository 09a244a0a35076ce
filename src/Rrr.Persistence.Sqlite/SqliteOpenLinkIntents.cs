namespace Rrr.Persistence.Sqlite;

/// <summary>The link intent each XCN user is in the middle of, so the wizard resumes at the code step after a refresh.</summary>
public sealed class SqliteOpenLinkIntents(SqliteDatabase database) : IOpenLinkIntentStore
{
    public Task<OpenLinkIntent?> GetOpenLinkIntentAsync(string xcnUserId, CancellationToken cancellationToken) =>
        database.QueryFirstAsync(
            """
            SELECT intent_id, expires_at, attempts_remaining, confirm_attempts, created_at
            FROM open_link_intents WHERE xcn_user_id = @x;
            """,
            p => p.AddWithValue("@x", xcnUserId),
            reader => new OpenLinkIntent(xcnUserId, reader.GetString(0), reader.GetTime(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetTime(4)),
            cancellationToken);

    public async Task SaveOpenLinkIntentAsync(OpenLinkIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);

        // Saving the same intent again (a replayed start) keeps its counters; another intent starts afresh.
        await database.ExecuteAsync(
            """
            INSERT INTO open_link_intents (xcn_user_id, intent_id, expires_at, attempts_remaining, confirm_attempts, created_at)
            VALUES (@x, @id, @expires, @left, @tries, @created)
            ON CONFLICT (xcn_user_id) DO UPDATE SET
                intent_id = excluded.intent_id, expires_at = excluded.expires_at,
                attempts_remaining = excluded.attempts_remaining, confirm_attempts = excluded.confirm_attempts,
                created_at = excluded.created_at
            WHERE open_link_intents.intent_id <> excluded.intent_id;
            """,
            p =>
            {
                p.AddWithValue("@x", intent.XcnUserId);
                p.AddWithValue("@id", intent.IntentId);
                p.AddWithValue("@expires", intent.ExpiresAt.ToUnixTimeMilliseconds());
                p.AddWithValue("@left", intent.AttemptsRemaining);
                p.AddWithValue("@tries", intent.ConfirmAttempts);
                p.AddWithValue("@created", intent.CreatedAt.ToUnixTimeMilliseconds());
            },
            cancellationToken);
    }

    public Task<int?> NextConfirmAttemptAsync(string xcnUserId, string intentId, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            await using var command = connection.Command(null, """
                UPDATE open_link_intents SET confirm_attempts = confirm_attempts + 1
                WHERE xcn_user_id = @x AND intent_id = @id
                RETURNING confirm_attempts;
                """);
            command.Parameters.AddWithValue("@x", xcnUserId);
            command.Parameters.AddWithValue("@id", intentId);
            var result = await command.ExecuteScalarAsync(cancellationToken);
            return result is null ? (int?)null : Convert.ToInt32(result, CultureInfo.InvariantCulture);
        }, cancellationToken);

    public async Task SetAttemptsRemainingAsync(string xcnUserId, string intentId, int attemptsRemaining, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "UPDATE open_link_intents SET attempts_remaining = @left WHERE xcn_user_id = @x AND intent_id = @id;",
            p =>
            {
                p.AddWithValue("@left", attemptsRemaining);
                p.AddWithValue("@x", xcnUserId);
                p.AddWithValue("@id", intentId);
            },
            cancellationToken);

    public async Task DeleteOpenLinkIntentAsync(string xcnUserId, string intentId, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "DELETE FROM open_link_intents WHERE xcn_user_id = @x AND intent_id = @id;",
            p =>
            {
                p.AddWithValue("@x", xcnUserId);
                p.AddWithValue("@id", intentId);
            },
            cancellationToken);

    internal static SqliteSchema Schema { get; } = new("""
        CREATE TABLE IF NOT EXISTS open_link_intents (
            xcn_user_id        TEXT NOT NULL PRIMARY KEY,
            intent_id          TEXT NOT NULL,
            expires_at         INTEGER NOT NULL,
            attempts_remaining INTEGER NOT NULL,
            confirm_attempts   INTEGER NOT NULL,
            created_at         INTEGER NOT NULL
        );
        """);
}
