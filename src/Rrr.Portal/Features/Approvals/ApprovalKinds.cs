namespace Rrr.Portal.Features.Approvals;

/// <summary>The kinds of request the queue knows (their words: <see cref="ApprovalWords"/>) and where the feature page that decides it lives.</summary>
public static class ApprovalKinds
{
    public const string Promotion = PromotionPolicy.Kind;

    /// <summary>The kinds the queue can be filtered by, in the order its filter shows them.</summary>
    public static IReadOnlyList<string> Known { get; } = [Promotion, AdjustmentPolicy.Kind];

    /// <summary>
    /// The feature page showing exactly this request, relative to the app base; null for a kind this portal has no page for.
    /// A promotion's page is the promotion's (its subject); an adjustment's is the adjustments page narrowed to the request.
    /// </summary>
    public static string? FeaturePage(string kind, string requestId, string subjectId) => kind switch
    {
        Promotion => "admin/promotions/" + Uri.EscapeDataString(subjectId),
        AdjustmentPolicy.Kind => AdjustmentPage(requestId),
        _ => null,
    };

    /// <summary>The adjustments page showing one request only (<c>?request=</c>).</summary>
    public static string AdjustmentPage(string requestId) => "admin/adjustments?request=" + Uri.EscapeDataString(requestId);
}
