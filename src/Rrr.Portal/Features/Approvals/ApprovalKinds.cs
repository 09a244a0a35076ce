namespace Rrr.Portal.Features.Approvals;

/// <summary>How the queue names each kind of request and where the feature page that decides it lives.</summary>
public static class ApprovalKinds
{
    public const string Promotion = PromotionPolicy.Kind;

    /// <summary>The kinds the queue can be filtered by, in the order its filter shows them.</summary>
    public static IReadOnlyList<string> Known { get; } = [Promotion, AdjustmentPolicy.Kind];

    public static string Label(string kind) => kind switch
    {
        Promotion => "Promotion",
        AdjustmentPolicy.Kind => "Adjustment",
        _ => kind,
    };

    /// <summary>The feature page, relative to the app base; null for a kind this portal has no page for.</summary>
    public static string? FeaturePage(string kind, string subjectId) => kind switch
    {
        Promotion => "admin/promotions/" + Uri.EscapeDataString(subjectId),
        AdjustmentPolicy.Kind => "admin/adjustments",
        _ => null,
    };
}
