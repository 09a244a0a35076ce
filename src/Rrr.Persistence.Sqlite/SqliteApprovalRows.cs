namespace Rrr.Persistence.Sqlite;

/// <summary>How an approval request row and an approval log row read back, in their column lists' order.</summary>
internal static class SqliteApprovalRows
{
    public static ApprovalRequest ReadRequest(SqliteDataReader reader)
    {
        ApprovalOutcome? outcome = reader.IsDBNull(13)
            ? null
            : new ApprovalOutcome(reader.GetStringOrNull(12), reader.GetString(13), reader.GetInt64(14), reader.GetStringOrNull(15), reader.GetTime(16));
        return new ApprovalRequest(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
            new ApprovalPolicy(reader.GetInt32(5), reader.GetInt64(6) != 0), reader.GetString(7),
            ApprovalCodes.ParseStatus(reader.GetString(8)), reader.GetTime(9), reader.GetTime(10),
            reader.GetInt64(11), outcome);
    }

    public static ApprovalRecord ReadRecord(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        new ApprovalRecordDraft(
            reader.GetString(1), ApprovalCodes.ParseAction(reader.GetString(2)), reader.GetString(3), reader.GetString(4),
            reader.GetInt64(5), reader.GetStringOrNull(6), reader.GetTime(7), reader.GetStringOrNull(8)),
        reader.GetString(9), reader.GetString(10), reader.GetStringOrNull(11));
}
