namespace Rrr.Persistence.Sqlite;

/// <summary>
/// What one port class adds to the file: idempotent DDL, and the columns added after its tables first shipped
/// (<see cref="SqliteDatabase.InitializeAsync"/> runs every port's on each start).
/// </summary>
internal sealed record SqliteSchema(string Sql, params ColumnAddition[] Additions);

/// <summary>A column an older file's table lacks; added, with its definition, if it is missing.</summary>
internal sealed record ColumnAddition(string Table, string Column, string Definition);
