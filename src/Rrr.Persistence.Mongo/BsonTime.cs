namespace Rrr.Persistence.Mongo;

internal static class BsonTime
{
    /// <summary>BSON dates hold milliseconds; truncating here keeps both adapters returning the same value.</summary>
    public static DateTime From(DateTimeOffset value) =>
        DateTime.UnixEpoch.AddMilliseconds(value.ToUnixTimeMilliseconds());

    /// <summary>A stored time back as an offset; the conventions read every DateTime as UTC.</summary>
    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);

    public static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
