namespace Rrr.Persistence.Sqlite;

/// <summary>Data-protection keys, one row per key.</summary>
public sealed class SqliteKeyRing(SqliteDatabase database) : IKeyRingStore
{
    public async Task<IReadOnlyList<StoredKey>> GetAllAsync(CancellationToken cancellationToken) =>
        await database.QueryAsync(
            "SELECT friendly_name, xml, created_at FROM data_protection_keys ORDER BY created_at, friendly_name;",
            _ => { },
            reader => new StoredKey(reader.GetString(0), reader.GetString(1), reader.GetTime(2)),
            cancellationToken);

    public async Task SaveAsync(StoredKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await database.ExecuteAsync(
            """
            INSERT INTO data_protection_keys (friendly_name, xml, created_at)
            VALUES (@name, @xml, @createdAt)
            ON CONFLICT (friendly_name) DO UPDATE SET xml = excluded.xml, created_at = excluded.created_at;
            """,
            p =>
            {
                p.AddWithValue("@name", key.FriendlyName);
                p.AddWithValue("@xml", key.Xml);
                p.AddWithValue("@createdAt", key.CreatedAt.ToUnixTimeMilliseconds());
            },
            cancellationToken);
    }

    internal static SqliteSchema Schema { get; } = new("""
        CREATE TABLE IF NOT EXISTS data_protection_keys (
            friendly_name TEXT NOT NULL PRIMARY KEY,
            xml           TEXT NOT NULL,
            created_at    INTEGER NOT NULL
        );
        """);
}
