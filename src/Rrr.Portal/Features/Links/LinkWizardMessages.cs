namespace Rrr.Portal.Features.Links;

/// <summary>The member-facing words for each wizard problem, in one place so the page and its tests agree.</summary>
public static class LinkWizardMessages
{
    public const string Unavailable = "RedRoomRewards is temporarily unavailable. Nothing was lost — please try again in a moment.";

    /// <summary>Null when the problem needs no banner (none, or shown next to a field).</summary>
    public static (string Text, Severity Severity)? Describe(LinkWizardState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Problem switch
        {
            LinkWizardProblem.WrongCode => (WrongCode(state.AttemptsRemaining), Severity.Warning),
            LinkWizardProblem.TooManyWrongCodes => ("Too many wrong codes, so that code no longer works. Start again to get a new code.", Severity.Error),
            LinkWizardProblem.CodeExpired => ("That code has expired (codes last 15 minutes). Start again to get a new code.", Severity.Warning),
            LinkWizardProblem.ThisAccountAlreadyLinked =>
                ($"Your XCN account is already linked to RedRoomRewards member {state.Link.RrrMemberId}. Revoke that link first to link another RRR account.",
                    Severity.Info),
            LinkWizardProblem.RrrAccountTaken =>
                ("That RedRoomRewards account is already linked to another XCN account, so it cannot be linked to yours. Check the member number, or leave it empty to use your own.",
                    Severity.Error),
            LinkWizardProblem.NotLinked => ("Your account is not linked, so there is nothing to revoke.", Severity.Info),
            LinkWizardProblem.RrrUnavailable => (Unavailable, Severity.Warning),
            LinkWizardProblem.Refused => ("RedRoomRewards could not complete this step. Please try again later.", Severity.Error),
            LinkWizardProblem.TooManyTries => (TooManyTries(state.RetryAfter), Severity.Warning),
            _ => null,
        };
    }

    /// <summary>Whole seconds, rounded up, so "wait 0 s" never shows.</summary>
    public static string TooManyTries(TimeSpan? retryAfter)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        return string.Create(CultureInfo.InvariantCulture, $"Too many tries. Wait {seconds} s, then try again.");
    }

    public static string WrongCode(int? attemptsRemaining) => attemptsRemaining switch
    {
        null => "That code is not right. Check your RedRoomRewards inbox and try again.",
        1 => "That code is not right. 1 try left.",
        var n => $"That code is not right. {n} tries left.",
    };
}
