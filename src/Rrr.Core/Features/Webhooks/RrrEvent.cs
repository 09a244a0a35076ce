namespace Rrr.Core.Features.Webhooks;

/// <summary>
/// An RRR webhook event reduced to what the portal may keep: the envelope (<c>id, type, created_at</c>)
/// and the allow-listed opaque <c>data</c> fields. <see cref="Data"/> values are strings, longs or null.
/// </summary>
public sealed record RrrEvent(string Id, string Type, string? CreatedAt, IReadOnlyDictionary<string, object?> Data)
{
    public string? ResourceType => GetString("resource_type");

    public string? ResourceId => GetString("resource_id");

    public long? Version => GetLong("version");

    public string? RrrMemberId => GetString("rrr_member_id");

    public string? XcnUserId => GetString("xcn_user_id");

    public string? PromotionId => GetString("promotion_id");

    public string? GetString(string name) => Data.TryGetValue(name, out var value) ? value as string : null;

    public long? GetLong(string name) => Data.TryGetValue(name, out var value) && value is long number ? number : null;
}
