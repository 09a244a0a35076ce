using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Links;

/// <summary>The member-facing words for each wizard problem, in one place so the page, the revoke button and their tests agree.</summary>
public static class LinkWizardMessages
{
    /// <summary>Null when the problem needs no banner (none, or shown next to a field).</summary>
    public static (string Text, Severity Severity)? Describe(LinkWizardState state, IStringLocalizer<LinkText> text)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(text);
        return state.Problem switch
        {
            LinkWizardProblem.WrongCode => (WrongCode(state.AttemptsRemaining, text), Severity.Warning),
            LinkWizardProblem.TooManyWrongCodes => (text["ProblemTooManyWrongCodes"], Severity.Error),
            LinkWizardProblem.CodeExpired => (text["ProblemCodeExpired"], Severity.Warning),
            LinkWizardProblem.ThisAccountAlreadyLinked => (text["ProblemAlreadyLinked", state.Link.RrrMemberId ?? ""], Severity.Info),
            LinkWizardProblem.RrrAccountTaken => (text["ProblemAccountTaken"], Severity.Error),
            LinkWizardProblem.NotLinked => (text["ProblemNotLinked"], Severity.Info),
            LinkWizardProblem.RrrUnavailable => (text["ProblemUnavailable"], Severity.Warning),
            LinkWizardProblem.Refused => (text["ProblemRefused"], Severity.Error),
            LinkWizardProblem.TooManyTries => (TooManyTries(state.RetryAfter, text), Severity.Warning),
            _ => null,
        };
    }

    /// <summary>Whole seconds, rounded up, so "wait 0 s" never shows.</summary>
    public static string TooManyTries(TimeSpan? retryAfter, IStringLocalizer<LinkText> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var seconds = Math.Max(1, (long)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        return text["ProblemTooManyTries", seconds.ToString("N0", CultureInfo.CurrentCulture)];
    }

    public static string WrongCode(int? attemptsRemaining, IStringLocalizer<LinkText> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return attemptsRemaining switch
        {
            null => text["WrongCode"],
            1 => text["WrongCodeOne", 1.ToString(CultureInfo.CurrentCulture)],
            var n => text["WrongCodeMany", n.Value.ToString("N0", CultureInfo.CurrentCulture)],
        };
    }
}
