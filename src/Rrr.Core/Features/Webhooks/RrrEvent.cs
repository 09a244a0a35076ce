namespace Rrr.Core.Features.Webhooks;

/// <summary>
/// An RRR webhook event reduced to what the portal may keep: the envelope (<c>id, type, created_at</c>)
/// and the allow-listed opaque <c>data</c> fields. <see cref="Data"/> values are strings, longs or null.
/// Once applied by the webhook processor it travels on the bus (<see cref="IPortalEvents"/>) as it is.
/// </summary>
public sealed record RrrEvent(string Id, string Type, string? CreatedAt, IReadOnlyDictionary<string, object?> Data) : IPortalMessage
{
    public string? ResourceType => GetString("resource_type");

    public string? ResourceId => GetString("resource_id");

    public long? Version => GetLong("version");

    public string? RrrMemberId => GetString("rrr_member_id");

    public string? XcnUserId => GetString("xcn_user_id");

    public string? PromotionId => GetString("promotion_id");

    public string? GetString(string name) => Data.TryGetValue(name, out var value) ? value as string : null;

    public long? GetLong(string name) => Data.TryGetValue(name, out var value) && value is long number ? number : null;

    /// <summary>Everything, its type, the member (and a wallet's owner), the XCN user and the promotion it names.</summary>
    public IEnumerable<PortalTopicKey> Topics()
    {
        yield return RrrTopic.All.Key;
        yield return RrrTopic.OfType(Type).Key;
        if (RrrMemberId is { Length: > 0 } member)
        {
            yield return RrrTopic.Member(member).Key;
        }

        if (ResourceType == "wallet" && ResourceId is { Length: > 0 } walletOwner && walletOwner != RrrMemberId)
        {
            yield return RrrTopic.Member(walletOwner).Key;
        }

        if (XcnUserId is { Length: > 0 } user)
        {
            yield return RrrTopic.XcnUser(user).Key;
        }

        if (PromotionId is { Length: > 0 } promotion)
        {
            yield return RrrTopic.Promotion(promotion).Key;
        }
        else if (ResourceType == "promotion" && ResourceId is { Length: > 0 } promotionResource)
        {
            yield return RrrTopic.Promotion(promotionResource).Key;
        }
    }
}
