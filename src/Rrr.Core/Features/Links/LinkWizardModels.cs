using Microsoft.Extensions.Localization;

namespace Rrr.Core.Features.Links;

public enum LinkWizardStep
{
    /// <summary>Nothing open: offer to start linking (optionally naming an RRR member number).</summary>
    Start,

    /// <summary>An intent is open: ask for the six-digit code from the RRR inbox.</summary>
    EnterCode,

    /// <summary>The XCN account is linked.</summary>
    Linked,
}

/// <summary>Why the last wizard action did not move on, in the member's terms (the page words each one).</summary>
public enum LinkWizardProblem
{
    None,

    /// <summary>The code was wrong; <see cref="LinkWizardState.AttemptsRemaining"/> says how many tries are left.</summary>
    WrongCode,

    /// <summary>Too many wrong codes: the intent is void, start again.</summary>
    TooManyWrongCodes,

    /// <summary>The code expired (15 minutes), start again.</summary>
    CodeExpired,

    /// <summary>This XCN account is already linked (to the member in the state's link).</summary>
    ThisAccountAlreadyLinked,

    /// <summary>The RRR account asked for is linked to another XCN account.</summary>
    RrrAccountTaken,

    /// <summary>RRR knows no member with the number typed.</summary>
    UnknownRrrMember,

    /// <summary>The input broke a rule (e.g. the code is not six digits); see <see cref="LinkWizardState.FieldErrors"/>.</summary>
    InvalidInput,

    /// <summary>Revoke asked while nothing is linked.</summary>
    NotLinked,

    /// <summary>RRR could not be reached; nothing changed on our side, the same step can be tried again.</summary>
    RrrUnavailable,

    /// <summary>RRR refused for a reason the wizard has no words for (logged by code).</summary>
    Refused,

    /// <summary>Too many starts or code tries in a short time; nothing was sent to RRR. See <see cref="LinkWizardState.RetryAfter"/>.</summary>
    TooManyTries,
}

/// <summary>What the wizard shows: the step, the link as RRR said it, the open intent (at the code step) and the last problem.</summary>
public sealed record LinkWizardState(
    LinkWizardStep Step,
    LinkView Link,
    OpenLinkIntent? Intent = null,
    LinkWizardProblem Problem = LinkWizardProblem.None,
    int? AttemptsRemaining = null,
    IReadOnlyDictionary<string, string>? FieldErrors = null,
    TimeSpan? RetryAfter = null)
{
    public bool Succeeded => Problem == LinkWizardProblem.None;
}

/// <summary>Input rules shared by the page (field validation) and the service (which never trusts the page).</summary>
public static partial class LinkWizardRules
{
    public const string CodeField = "code";
    public const string MemberNumberField = "rrr_member_id";

    /// <summary>Null when the code is exactly six digits, else what to tell the member (in <paramref name="text"/>'s language).</summary>
    public static string? ValidateCode(string? code, IStringLocalizer<LinkWizardText> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return code is not null && SixDigits().IsMatch(code) ? null : text["CodeFormat"].Value;
    }

    /// <summary>Null when empty (optional) or an RRR member number shape (opaque id: letters, digits, _ or -).</summary>
    public static string? ValidateMemberNumber(string? memberNumber, IStringLocalizer<LinkWizardText> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.IsNullOrWhiteSpace(memberNumber) || MemberNumber().IsMatch(memberNumber.Trim()) ? null : text["MemberNumberFormat"].Value;
    }

    [GeneratedRegex(@"^[0-9]{6}\z")]
    private static partial Regex SixDigits();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex MemberNumber();
}
