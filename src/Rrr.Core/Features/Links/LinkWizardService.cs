namespace Rrr.Core.Features.Links;

/// <summary>
/// The account linking wizard for the signed-in member: start an intent, confirm the six-digit code from the
/// RRR inbox, revoke. Takes no user id (identity comes from <see cref="IMemberIdentity"/>) and no intent id
/// (the open intent is kept per XCN user in <see cref="IOpenLinkIntentStore"/>, so a page refresh resumes at
/// the code step). After every step it re-reads the link through <see cref="LinkStatusService"/>, so the
/// points panel, the app bar chip and the wizard all show the same status. A confirmed link goes on the bus
/// (<see cref="MemberLinked"/>): orders paid before linking are released at once, not only when RRR's webhook comes.
/// </summary>
public sealed partial class LinkWizardService(
    IMemberIdentity identity,
    IRrrLinksApi api,
    IOpenLinkIntentStore intents,
    LinkStatusService links,
    MemberActionLimiter limiter,
    IPortalEvents events,
    TimeProvider time,
    Microsoft.Extensions.Localization.IStringLocalizer<LinkWizardText> text,
    ILogger<LinkWizardService> logger)
{
    /// <summary>Sent with a revoke; RRR keeps it with the link history. A fixed word, never member text.</summary>
    public const string RevokeReason = "member_request";

    /// <summary>Where the wizard stands now: linked, at the code step of an open intent, or at the start.</summary>
    public Task<LinkWizardState> LoadAsync(CancellationToken cancellationToken) =>
        ForMemberAsync(() => LoadStepAsync(cancellationToken));

    private async Task<LinkWizardState> LoadStepAsync(CancellationToken cancellationToken)
    {
        var xcnUserId = await XcnUserIdAsync(cancellationToken);
        var link = await links.GetAsync(refresh: true, cancellationToken);
        var open = await intents.GetOpenLinkIntentAsync(xcnUserId, cancellationToken);
        if (link.IsLinked)
        {
            await ForgetAsync(open, cancellationToken);
            return new LinkWizardState(LinkWizardStep.Linked, link);
        }

        if (open is not null)
        {
            // PENDING means RRR holds an open intent. While RRR cannot be asked, our record is the best guess,
            // and the code step says so if the code is refused later. Otherwise the intent expired or was used up.
            if (link.Status == LinkStatus.Pending || link.IsStale)
            {
                return new LinkWizardState(LinkWizardStep.EnterCode, link, open,
                    link.IsStale ? LinkWizardProblem.RrrUnavailable : LinkWizardProblem.None, open.AttemptsRemaining);
            }

            await ForgetAsync(open, cancellationToken);
        }

        return new LinkWizardState(LinkWizardStep.Start, link, Problem: link.Status is null ? LinkWizardProblem.RrrUnavailable : LinkWizardProblem.None);
    }

    /// <param name="attemptId">Made once per wizard run by the page: a second click or a retry after an outage is the same intent.</param>
    /// <param name="rrrMemberNumber">Optional: the RRR account to link, as the member typed it; without it RRR uses (or creates) theirs.</param>
    public Task<LinkWizardState> StartAsync(string attemptId, string? rrrMemberNumber, CancellationToken cancellationToken) =>
        ForMemberAsync(() => StartStepAsync(attemptId, rrrMemberNumber, cancellationToken));

    private async Task<LinkWizardState> StartStepAsync(string attemptId, string? rrrMemberNumber, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(attemptId);
        var xcnUserId = await XcnUserIdAsync(cancellationToken);
        var memberNumber = string.IsNullOrWhiteSpace(rrrMemberNumber) ? null : rrrMemberNumber.Trim();
        if (LinkWizardRules.ValidateMemberNumber(memberNumber, text) is { } memberError)
        {
            return new LinkWizardState(LinkWizardStep.Start, Known(xcnUserId), Problem: LinkWizardProblem.InvalidInput,
                FieldErrors: new Dictionary<string, string> { [LinkWizardRules.MemberNumberField] = memberError });
        }

        // Each start may make RRR mail a code to the member named; a typo costs nothing, a call to RRR does.
        if (limiter.TryAcquire(MemberAction.LinkIntent, xcnUserId) is { } wait)
        {
            LogLimited(logger, "start", xcnUserId);
            return new LinkWizardState(LinkWizardStep.Start, Known(xcnUserId), Problem: LinkWizardProblem.TooManyTries, RetryAfter: wait);
        }

        LinkIntent intent;
        try
        {
            intent = await api.CreateIntentAsync(
                new CreateLinkIntentRequest(xcnUserId, memberNumber), IdempotencyKeys.LinkIntent(xcnUserId, attemptId), cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            LogUnavailable(logger, "start", xcnUserId, ex.Reason);
            return new LinkWizardState(LinkWizardStep.Start, Known(xcnUserId), Problem: LinkWizardProblem.RrrUnavailable);
        }
        catch (RrrProblemException ex)
        {
            LogRefused(logger, "start", xcnUserId, ex.Code);
            return ex.Code switch
            {
                RrrErrorCodes.AlreadyLinked => await AlreadyLinkedAsync(cancellationToken),
                RrrErrorCodes.NotFound => new LinkWizardState(LinkWizardStep.Start, Known(xcnUserId), Problem: LinkWizardProblem.UnknownRrrMember,
                    FieldErrors: new Dictionary<string, string> { [LinkWizardRules.MemberNumberField] = text["UnknownMember"].Value }),
                RrrErrorCodes.ValidationFailed => new LinkWizardState(LinkWizardStep.Start, Known(xcnUserId), Problem: LinkWizardProblem.InvalidInput,
                    FieldErrors: new Dictionary<string, string> { [LinkWizardRules.MemberNumberField] = text["MemberNumberRefused"].Value }),
                _ => new LinkWizardState(LinkWizardStep.Start, Known(xcnUserId), Problem: LinkWizardProblem.Refused),
            };
        }

        await intents.SaveOpenLinkIntentAsync(
            new OpenLinkIntent(xcnUserId, intent.IntentId, intent.ExpiresAt, intent.AttemptsRemaining, 0, time.GetUtcNow()), cancellationToken);
        LogStarted(logger, xcnUserId, intent.IntentId);
        var link = await links.GetAsync(refresh: true, cancellationToken);

        // Read back: a replayed start (same attempt) keeps the counters of the intent it already made.
        var open = await intents.GetOpenLinkIntentAsync(xcnUserId, cancellationToken) ?? throw new InvalidOperationException("The open intent was not stored.");
        return new LinkWizardState(LinkWizardStep.EnterCode, link, open, AttemptsRemaining: open.AttemptsRemaining);
    }

    /// <summary>Confirms the open intent with the code the member read in their RRR inbox (never logged or stored).</summary>
    public Task<LinkWizardState> ConfirmAsync(string? code, CancellationToken cancellationToken) =>
        ForMemberAsync(() => ConfirmStepAsync(code, cancellationToken));

    private async Task<LinkWizardState> ConfirmStepAsync(string? code, CancellationToken cancellationToken)
    {
        var xcnUserId = await XcnUserIdAsync(cancellationToken);
        var open = await intents.GetOpenLinkIntentAsync(xcnUserId, cancellationToken);
        if (open is null)
        {
            // Another tab finished or gave up on this intent: show where things stand now.
            return await LoadAsync(cancellationToken);
        }

        if (LinkWizardRules.ValidateCode(code, text) is { } codeError)
        {
            return new LinkWizardState(LinkWizardStep.EnterCode, Known(xcnUserId), open, LinkWizardProblem.InvalidInput, open.AttemptsRemaining,
                new Dictionary<string, string> { [LinkWizardRules.CodeField] = codeError });
        }

        // Per member across intents: RRR's own count is per intent, and a new intent is one click away.
        if (limiter.TryAcquire(MemberAction.LinkCode, xcnUserId) is { } wait)
        {
            LogLimited(logger, "confirm", xcnUserId);
            return new LinkWizardState(LinkWizardStep.EnterCode, Known(xcnUserId), open, LinkWizardProblem.TooManyTries, open.AttemptsRemaining,
                RetryAfter: wait);
        }

        // Counted before the call, so a lost answer never lets the next code reuse this key with another body.
        if (await intents.NextConfirmAttemptAsync(xcnUserId, open.IntentId, cancellationToken) is not { } attemptNo)
        {
            return await LoadAsync(cancellationToken);
        }

        ConfirmedLink confirmed;
        try
        {
            confirmed = await api.ConfirmAsync(new ConfirmLinkRequest(open.IntentId, code!), IdempotencyKeys.LinkConfirm(open.IntentId, attemptNo), cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            LogUnavailable(logger, "confirm", xcnUserId, ex.Reason);
            return new LinkWizardState(LinkWizardStep.EnterCode, Known(xcnUserId), open, LinkWizardProblem.RrrUnavailable, open.AttemptsRemaining);
        }
        catch (RrrProblemException ex)
        {
            LogRefused(logger, "confirm", xcnUserId, ex.Code);
            return await ConfirmRefusedAsync(open, ex, cancellationToken);
        }

        await ForgetAsync(open, cancellationToken);
        LogLinked(logger, xcnUserId, confirmed.RrrMemberId, confirmed.LinkId);
        events.Publish(new MemberLinked(xcnUserId));
        var link = await links.GetAsync(refresh: true, cancellationToken);
        if (!link.IsLinked)
        {
            // RRR said LINKED a moment ago; a read that lags (or an outage) must not make the wizard say otherwise.
            link = link with
            {
                Status = LinkStatus.Linked,
                RrrMemberId = confirmed.RrrMemberId,
                LinkId = confirmed.LinkId,
                LinkedAt = confirmed.LinkedAt,
                Version = confirmed.Version,
            };
        }

        return new LinkWizardState(LinkWizardStep.Linked, link);
    }

    /// <summary>Revokes the member's current link (the key is the link id, so a double click revokes once).</summary>
    public Task<LinkWizardState> RevokeAsync(CancellationToken cancellationToken) =>
        ForMemberAsync(() => RevokeStepAsync(cancellationToken));

    private async Task<LinkWizardState> RevokeStepAsync(CancellationToken cancellationToken)
    {
        var xcnUserId = await XcnUserIdAsync(cancellationToken);
        var link = await links.GetAsync(refresh: true, cancellationToken);
        if (link.IsStale)
        {
            // Revoking on a cached answer could name a link that no longer exists; RRR is down anyway.
            return new LinkWizardState(link.IsLinked ? LinkWizardStep.Linked : LinkWizardStep.Start, link, Problem: LinkWizardProblem.RrrUnavailable);
        }

        if (!link.IsLinked || link.LinkId is not { } linkId)
        {
            return new LinkWizardState(LinkWizardStep.Start, link, Problem: LinkWizardProblem.NotLinked);
        }

        try
        {
            await api.RevokeAsync(linkId, new RevokeLinkRequest(RevokeReason), IdempotencyKeys.LinkRevoke(linkId), cancellationToken);
            LogRevoked(logger, xcnUserId, linkId);
        }
        catch (RrrUnavailableException ex)
        {
            LogUnavailable(logger, "revoke", xcnUserId, ex.Reason);
            return new LinkWizardState(LinkWizardStep.Linked, link, Problem: LinkWizardProblem.RrrUnavailable);
        }
        catch (RrrProblemException ex) when (ex.Code is RrrErrorCodes.InvalidState or RrrErrorCodes.NotFound)
        {
            // Revoked meanwhile (another tab, support): the member's wish holds; the re-read below shows it.
            LogRefused(logger, "revoke", xcnUserId, ex.Code);
        }
        catch (RrrProblemException ex)
        {
            LogRefused(logger, "revoke", xcnUserId, ex.Code);
            return new LinkWizardState(LinkWizardStep.Linked, link, Problem: LinkWizardProblem.Refused);
        }

        var after = await links.GetAsync(refresh: true, cancellationToken);
        return new LinkWizardState(after.IsLinked ? LinkWizardStep.Linked : LinkWizardStep.Start, after);
    }

    private async Task<LinkWizardState> ConfirmRefusedAsync(OpenLinkIntent open, RrrProblemException ex, CancellationToken cancellationToken)
    {
        switch (ex.Code)
        {
            case RrrErrorCodes.InvalidCode:
                var left = ex.AttemptsRemaining ?? Math.Max(open.AttemptsRemaining - 1, 0);
                await intents.SetAttemptsRemainingAsync(open.XcnUserId, open.IntentId, left, cancellationToken);
                return new LinkWizardState(LinkWizardStep.EnterCode, Known(open.XcnUserId), open with { AttemptsRemaining = left },
                    LinkWizardProblem.WrongCode, left);
            case RrrErrorCodes.ValidationFailed:
                return new LinkWizardState(LinkWizardStep.EnterCode, Known(open.XcnUserId), open, LinkWizardProblem.InvalidInput, open.AttemptsRemaining,
                    new Dictionary<string, string> { [LinkWizardRules.CodeField] = text["CodeRefused"].Value });
            case RrrErrorCodes.IntentVoid:
            case RrrErrorCodes.IntentExpired:
            case RrrErrorCodes.NotFound:
                await ForgetAsync(open, cancellationToken);
                var link = await links.GetAsync(refresh: true, cancellationToken);
                return new LinkWizardState(link.IsLinked ? LinkWizardStep.Linked : LinkWizardStep.Start, link,
                    Problem: ex.Code == RrrErrorCodes.IntentVoid ? LinkWizardProblem.TooManyWrongCodes : LinkWizardProblem.CodeExpired);
            case RrrErrorCodes.AlreadyLinked:
                await ForgetAsync(open, cancellationToken);
                return await AlreadyLinkedAsync(cancellationToken);
            default:
                return new LinkWizardState(LinkWizardStep.EnterCode, Known(open.XcnUserId), open, LinkWizardProblem.Refused, open.AttemptsRemaining);
        }
    }

    /// <summary>already_linked covers both sides; RRR's link read for this user tells which one it is.</summary>
    private async Task<LinkWizardState> AlreadyLinkedAsync(CancellationToken cancellationToken)
    {
        var link = await links.GetAsync(refresh: true, cancellationToken);
        return link.IsLinked
            ? new LinkWizardState(LinkWizardStep.Linked, link, Problem: LinkWizardProblem.ThisAccountAlreadyLinked)
            : new LinkWizardState(LinkWizardStep.Start, link, Problem: LinkWizardProblem.RrrAccountTaken);
    }

    private Task ForgetAsync(OpenLinkIntent? open, CancellationToken cancellationToken) =>
        open is null ? Task.CompletedTask : intents.DeleteOpenLinkIntentAsync(open.XcnUserId, open.IntentId, cancellationToken);

    private LinkView Known(string xcnUserId) => links.Current is { } current && current.XcnUserId == xcnUserId ? current : LinkView.Unknown(xcnUserId);

    // A sign-in without a member id is a refusal the wizard shows like any other, not an exception the page must know.
    private async Task<LinkWizardState> ForMemberAsync(Func<Task<LinkWizardState>> step)
    {
        try
        {
            return await step();
        }
        catch (MemberIdentityMissingException)
        {
            LogNoMemberId(logger);
            return new LinkWizardState(LinkWizardStep.Start, LinkView.Unknown(""), Problem: LinkWizardProblem.Refused);
        }
    }

    private async Task<string> XcnUserIdAsync(CancellationToken cancellationToken) =>
        await identity.GetXcnUserIdAsync(cancellationToken) ?? throw new MemberIdentityMissingException();

    [LoggerMessage(Level = LogLevel.Information, Message = "Link intent {IntentId} opened for {XcnUserId}")]
    private static partial void LogStarted(ILogger logger, string xcnUserId, string intentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{XcnUserId} linked to {RrrMemberId} ({LinkId})")]
    private static partial void LogLinked(ILogger logger, string xcnUserId, string rrrMemberId, string linkId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{XcnUserId} revoked link {LinkId}")]
    private static partial void LogRevoked(ILogger logger, string xcnUserId, string linkId);

    [LoggerMessage(Level = LogLevel.Information, Message = "RRR refused link {Step} for {XcnUserId}: {Code}")]
    private static partial void LogRefused(ILogger logger, string step, string xcnUserId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Link {Step} for {XcnUserId} refused by the rate limit")]
    private static partial void LogLimited(ILogger logger, string step, string xcnUserId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RRR unavailable ({Reason}) at link {Step} for {XcnUserId}")]
    private static partial void LogUnavailable(ILogger logger, string step, string xcnUserId, RrrUnavailableReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Link wizard used without a member id")]
    private static partial void LogNoMemberId(ILogger logger);
}
