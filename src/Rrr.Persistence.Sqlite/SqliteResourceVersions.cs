namespace Rrr.Persistence.Sqlite;

/// <summary>
/// The last applied version of each RRR resource. Written by the webhook processor with
/// <see cref="Durability.Normal"/>: a lost commit only means an event is applied again, which the version check
/// makes harmless.
/// </summary>
public sealed class SqliteResourceVersions(SqliteDatabase database) : IResourceVersions
{
    public async Task<ResourceApplyResult> TryApplyAsync(ResourceState state, CancellationToken cancellationToken) =>
        (await TryApplyManyAsync([state], cancellationToken))[0];

    public Task<IReadOnlyList<ResourceApplyResult>> TryApplyManyAsync(IReadOnlyList<ResourceState> states, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(states);

        // The WHERE on the upsert is the whole rule: only a strictly newer version replaces the row.
        return database.WriteEachAsync(
            Durability.Normal,
            """
            INSERT INTO resource_versions (resource_type, resource_id, version, event_id, event_type, data, applied_at)
            VALUES (@type, @id, @version, @eventId, @eventType, @data, @appliedAt)
            ON CONFLICT (resource_type, resource_id) DO UPDATE SET
                version = excluded.version, event_id = excluded.event_id, event_type = excluded.event_type,
                data = excluded.data, applied_at = excluded.applied_at
            WHERE excluded.version > resource_versions.version;
            """,
            states,
            (p, state) =>
            {
                ArgumentNullException.ThrowIfNull(state);
                p.AddWithValue("@type", state.ResourceType);
                p.AddWithValue("@id", state.ResourceId);
                p.AddWithValue("@version", state.Version);
                p.AddWithValue("@eventId", state.EventId);
                p.AddWithValue("@eventType", state.EventType);
                p.AddWithValue("@data", state.Data);
                p.AddWithValue("@appliedAt", state.AppliedAt.ToUnixTimeMilliseconds());
            },
            changed => changed == 1 ? ResourceApplyResult.Applied : ResourceApplyResult.Stale,
            cancellationToken);
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
}
