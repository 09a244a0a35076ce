namespace Rrr.Core.Features;

/// <summary>
/// Feature flag names (Microsoft.FeatureManagement, configuration section <c>FeatureManagement</c>).
/// One place, so pages, services and configuration never disagree on a spelling. Kept in Core because
/// background work (automatic earn) checks flags too.
/// </summary>
public static class PortalFeatures
{
    /// <summary>The member's points panel and transaction history on /member.</summary>
    public const string PointsPanel = "PointsPanel";

    /// <summary>The account linking wizard (/member/link).</summary>
    public const string AccountLinking = "AccountLinking";

    /// <summary>Use points and top up at the token-pack checkout.</summary>
    public const string Checkout = "Checkout";

    /// <summary>"Open RedRoomRewards": single-use SSO ticket into RRR's member dashboard.</summary>
    public const string SsoDeepLink = "SsoDeepLink";

    /// <summary>ORDER_PAID / ORDER_REFUNDED → earn outbox → RRR.</summary>
    public const string AutomaticEarn = "AutomaticEarn";

    public static readonly IReadOnlyList<string> All = [PointsPanel, AccountLinking, Checkout, SsoDeepLink, AutomaticEarn];
}
