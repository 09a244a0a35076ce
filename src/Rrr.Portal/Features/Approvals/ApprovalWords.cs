using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Approvals;

/// <summary>
/// Core describes a policy and its progress in English for logs and tests (<see cref="ApprovalPolicy.Describe"/>,
/// <see cref="ApprovalView.Progress"/>); pages show these words instead, in the reader's language and number format.
/// </summary>
public static class ApprovalWords
{
    /// <summary>"1 XCN admin", "2 distinct XCN admins", "2 distinct XCN admins + 1 RRR admin".</summary>
    public static string Policy(ApprovalPolicy policy, IStringLocalizer<ApprovalText> l)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(l);
        var count = Number(policy.RequiredXcnApprovers);
        return policy.RequiresRrrAdmin ? l["PolicyDistinctRrr", count]
            : policy.RequiredXcnApprovers == 1 ? l["PolicyOne"] : l["PolicyDistinct", count];
    }

    /// <summary>"1 of 2 XCN".</summary>
    public static string Progress(ApprovalView view, IStringLocalizer<ApprovalText> l)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(l);
        return l["Progress", Number(view.CurrentApprovals.Count), Number(view.Request.Policy.RequiredXcnApprovers)];
    }

    /// <summary>The kind's name ("Promotion"); a kind this portal has no words for is shown as its code.</summary>
    public static string Kind(string kind, IStringLocalizer<ApprovalText> l) => kind switch
    {
        ApprovalKinds.Promotion => l["KindPromotion"],
        AdjustmentPolicy.Kind => l["KindAdjustment"],
        _ => kind,
    };

    /// <summary>The queue filter's button ("Promotions").</summary>
    public static string Kinds(string kind, IStringLocalizer<ApprovalText> l) => kind switch
    {
        ApprovalKinds.Promotion => l["KindPromotions"],
        AdjustmentPolicy.Kind => l["KindAdjustments"],
        _ => kind,
    };

    /// <summary>The queue's link to the feature page ("Open promotion").</summary>
    public static string Open(string kind, IStringLocalizer<ApprovalText> l) => kind switch
    {
        ApprovalKinds.Promotion => l["OpenPromotion"],
        AdjustmentPolicy.Kind => l["OpenAdjustment"],
        _ => l["OpenOther", kind],
    };

    public static string Number(long n) => n.ToString("N0", CultureInfo.CurrentCulture);
}
