using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Adjustments;

/// <summary>
/// A refusal from the adjustment service or the approval engine in the reader's language. Core refuses with a code
/// and an English sentence; some codes carry two sentences, so the sentence picks the words. The validator's
/// messages arrive already translated, and anything not known here is shown as the service said it.
/// </summary>
public static class AdjustmentRefusals
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.Ordinal)
    {
        ["Only XCN admins work with adjustments."] = "RefusedNotAdmin",
        ["You cannot request or approve an adjustment of your own member account."] = "RefusedOwnAccount",
        ["The member of a request cannot be changed; make a new request for the other member."] = "RefusedMemberChange",
        ["No such adjustment request."] = "RefusedNoSuchAdjustment",
        ["No such approval request."] = "RefusedNoSuchRequest",
        ["The maker cannot approve their own request."] = "RefusedMakerApprove",
        ["The maker cannot decide on their own request."] = "RefusedMakerDecide",
        ["The request was edited since you opened it; review it again."] = "RefusedEditedSince",
        ["You have already approved this request; a person counts once."] = "RefusedAlreadyApproved",
        ["A rejection needs a reason."] = "RefusedReasonRequired",
        ["The request has already been decided."] = "RefusedDecided",
        ["Only the maker can edit a request."] = "RefusedOnlyMaker",
        ["The request was changed since you opened it; open it again to see the current version."] = "RefusedChanged",
        ["The request has expired; make a new one."] = "RefusedExpired",
        ["Others were changing this request at the same moment; please try again."] = "RefusedConflict",
        ["Only an approved request is posted to RRR."] = "RefusedNotApproved",
    };

    /// <summary>The Core sentences this knows, for the test that keeps them in step with Core's source.</summary>
    internal static IReadOnlyCollection<string> KnownSentences => Known.Keys;

    /// <summary>The words for a refusal whose <see cref="RrrResult{T}.Message"/> is set; <paramref name="member"/> is the XCN user id the request names.</summary>
    public static string Explain(string code, string message, string? member, IStringLocalizer<AdjustmentText> l)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(l);
        if (code == AdjustmentRefusedException.NotLinked && member is not null)
        {
            return l["RefusedNotLinked", member];
        }

        if (code == ApprovalErrors.ReasonRequired && message.StartsWith("A reason has at most", StringComparison.Ordinal))
        {
            return l["RefusedReasonLength", StatusText.Number(ApprovalEngine.MaxReasonLength)];
        }

        return Known.TryGetValue(message, out var key) ? l[key] : message;
    }
}
