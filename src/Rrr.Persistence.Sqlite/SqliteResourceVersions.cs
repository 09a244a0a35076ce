using Microsoft.Data.Sqlite;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Persistence.Sqlite;

/// <summary>
/// The last applied version of each RRR resource. Written by the webhook processor with
/// <see cref="Durability.Normal"/>: a lost commit only means an event is applied again, which the version check
/// makes harmless.
/// </summary>
public sealed class SqliteResourceVersions(SqliteDatabase database) : IResourceVersions
{
    internal static SqliteSchema Schema { get; } = new("""
        CREATE TABLE IF NOT EXISTS resource_versions (
            resource_type TEXT NOT NULL,
            resource_id   TEXT NOT NULL,
            version       INTEGER NOT NULL,
            event_id      TEXT NOT NULL,
            event_type    TEXT NOT NULL,
            data          TEXT NOT NULL,
            applied_at    INTEGER NOT NULL,
            PRIMARY KEY (resource_type, resource_id)
        );
        """);

    public async Task<ResourceApplyResult> TryApplyAsync(ResourceState state, CancellationToken cancellationToken) =>
        (await TryApplyManyAsync([state], cancellationToken))[0];

    public async Task<IReadOnlyList<ResourceApplyResult>> TryApplyManyAsync(IReadOnlyList<ResourceState> states, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Count == 0)
        {
            return [];
        }

        return await database.WriteInTransactionAsync(Durability.Normal, async (connection, transaction) =>
        {
            var results = new ResourceApplyResult[states.Count];

            // The WHERE on the upsert is the whole rule: only a strictly newer version replaces the row.
            await using var command = connection.Command(transaction, """
                INSERT INTO resource_versions (resource_type, resource_id, version, event_id, event_type, data, applied_at)
                VALUES (@type, @id, @version, @eventId, @eventType, @data, @appliedAt)
                ON CONFLICT (resource_type, resource_id) DO UPDATE SET
                    version = excluded.version, event_id = excluded.event_id, event_type = excluded.event_type,
                    data = excluded.data, applied_at = excluded.applied_at
                WHERE excluded.version > resource_versions.version;
                """);
            var type = command.Parameters.Add("@type", SqliteType.Text);
            var id = command.Parameters.Add("@id", SqliteType.Text);
            var version = command.Parameters.Add("@version", SqliteType.Integer);
            var eventId = command.Parameters.Add("@eventId", SqliteType.Text);
            var eventType = command.Parameters.Add("@eventType", SqliteType.Text);
            var data = command.Parameters.Add("@data", SqliteType.Text);
            var appliedAt = command.Parameters.Add("@appliedAt", SqliteType.Integer);
            for (var i = 0; i < states.Count; i++)
            {
                var state = states[i];
                ArgumentNullException.ThrowIfNull(state);
                (type.Value, id.Value, version.Value) = (state.ResourceType, state.ResourceId, state.Version);
                (eventId.Value, eventType.Value, data.Value) = (state.EventId, state.EventType, state.Data);
                appliedAt.Value = state.AppliedAt.ToUnixTimeMilliseconds();
                results[i] = await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? ResourceApplyResult.Applied : ResourceApplyResult.Stale;
            }

            return results;
        }, cancellationToken);
    }

    public async Task<ResourceState?> GetAsync(string resourceType, string resourceId, CancellationToken cancellationToken)
    {
        return await database.QueryFirstAsync(
            """
            SELECT version, event_id, event_type, data, applied_at FROM resource_versions
            WHERE resource_type = @type AND resource_id = @id;
            """,
            p =>
            {
                p.AddWithValue("@type", resourceType);
                p.AddWithValue("@id", resourceId);
            },
            reader => new ResourceState(resourceType, resourceId, reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetTime(4)),
            cancellationToken);
    }
}
