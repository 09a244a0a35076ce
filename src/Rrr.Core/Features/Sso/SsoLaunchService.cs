namespace Rrr.Core.Features.Sso;

public enum SsoLaunchOutcome
{
    /// <summary>Send the browser to <see cref="SsoLaunch.ConsumeUrl"/> (single-use, 60 seconds).</summary>
    Redirect,

    /// <summary>The member has no linked RRR account: lead them to the linking wizard.</summary>
    NotLinked,

    /// <summary>RRR could not be asked or refused the ticket; nothing to open right now.</summary>
    Unavailable,
}

/// <param name="ConsumeUrl">Carries the ticket: redirect to it, never log, store or render it.</param>
public sealed record SsoLaunch(SsoLaunchOutcome Outcome, Uri? ConsumeUrl = null)
{
    public static readonly SsoLaunch NotLinked = new(SsoLaunchOutcome.NotLinked);

    public static readonly SsoLaunch Unavailable = new(SsoLaunchOutcome.Unavailable);

    /// <summary>Not the URL: a record's generated ToString would print the ticket into any log that formats this.</summary>
    public override string ToString() => Outcome.ToString();
}

/// <summary>
/// "Open RedRoomRewards": mints a single-use ticket for the signed-in, linked member only when they ask.
/// Takes no member id: who it is comes from <see cref="CurrentMemberService"/> (the identity's sub and RRR's link).
/// </summary>
public sealed partial class SsoLaunchService(CurrentMemberService members, IRrrSsoApi sso, ILogger<SsoLaunchService> logger)
{
    /// <param name="attemptId">One per click: a retried request inside the call then cannot mint two tickets.</param>
    /// <param name="returnTo">Where RRR's dashboard offers to send the member back (our own page).</param>
    public async Task<SsoLaunch> OpenAsync(string attemptId, Uri? returnTo, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(attemptId);

        // Asked afresh: a ticket for an RRR account this member unlinked a moment ago would be a leak.
        var member = await members.GetAsync(refreshLink: true, cancellationToken);
        if (member.RrrMemberId is not { } rrrMemberId || member.Link.IsStale)
        {
            return member.Link.Status is null || member.Link.IsStale ? SsoLaunch.Unavailable : SsoLaunch.NotLinked;
        }

        SsoTicket ticket;
        try
        {
            ticket = await sso.CreateTicketAsync(new CreateSsoTicketRequest(rrrMemberId, returnTo), IdempotencyKeys.SsoTicket(rrrMemberId, attemptId), cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            LogUnavailable(logger, rrrMemberId, ex.Reason);
            return SsoLaunch.Unavailable;
        }
        catch (RrrProblemException ex)
        {
            LogRefused(logger, rrrMemberId, ex.Code);
            return SsoLaunch.Unavailable;
        }

        if (!ticket.Url.IsAbsoluteUri || ticket.Url.Scheme is not ("https" or "http"))
        {
            LogBadUrl(logger, rrrMemberId);
            return SsoLaunch.Unavailable;
        }

        LogIssued(logger, member.XcnUserId, rrrMemberId);
        return new SsoLaunch(SsoLaunchOutcome.Redirect, ticket.Url);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SSO ticket issued for {XcnUserId} into {RrrMemberId}")]
    private static partial void LogIssued(ILogger logger, string xcnUserId, string rrrMemberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RRR unavailable ({Reason}) minting an SSO ticket for {RrrMemberId}")]
    private static partial void LogUnavailable(ILogger logger, string rrrMemberId, RrrUnavailableReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RRR refused an SSO ticket for {RrrMemberId}: {Code}")]
    private static partial void LogRefused(ILogger logger, string rrrMemberId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RRR answered an SSO ticket for {RrrMemberId} with an unusable URL")]
    private static partial void LogBadUrl(ILogger logger, string rrrMemberId);
}
