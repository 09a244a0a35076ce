namespace Rrr.Persistence.Sqlite;

/// <summary>How a connection's commits reach the disk (<c>PRAGMA synchronous</c>).</summary>
internal enum Durability
{
    /// <summary>FULL, the default: a commit is on disk when it returns.</summary>
    Full,

    /// <summary>NORMAL, for the processors' writes, which are safe to redo (see <see cref="SqliteDatabase"/>).</summary>
    Normal,
}
