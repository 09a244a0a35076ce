namespace Rrr.Core.Features.Adjustments;

/// <summary>
/// What an XCN admin does with adjustments, on top of the maker-checker engine. Who acts comes only from
/// <see cref="IAdminIdentity"/>. Adds the adjustment rules: the member must be linked to RRR, and an admin
/// never requests or approves an adjustment of their own member account (by XCN user id, or by the RRR
/// member their own XCN account is linked to). Once the XCN quorum is met the request goes to RRR.
/// </summary>
public sealed class AdjustmentService(
    ApprovalEngine engine,
    AdjustmentPosting posting,
    IRrrLinksApi links,
    IAuditStore audit,
    IAdminIdentity identity,
    IValidator<AdjustmentForm> validator,
    IPortalEvents events,
    TimeProvider time)
{
    public const int MaxListed = 200;

    /// <summary>The signed-in admin's id (for "you requested this" on the page).</summary>
    public Task<string?> CurrentAdminIdAsync(CancellationToken cancellationToken) => identity.GetAdminIdAsync(cancellationToken);

    public Task<RrrResult<AdjustmentView>> RequestAsync(AdjustmentForm form, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => RequestCoreAsync(form, cancellationToken));

    /// <summary>
    /// The maker changes the request: a new payload version, so every approval given so far stops counting,
    /// and the policy is worked out again from the new points. The member stays: a request for someone
    /// else is a new request. Refusals (not the maker, decided meanwhile, stale) are audited as well.
    /// </summary>
    /// <param name="seenPayloadVersion">The version the maker's edit started from; a newer one refuses the edit.</param>
    public Task<RrrResult<AdjustmentView>> EditAsync(string requestId, long seenPayloadVersion, AdjustmentForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        return RrrResult.CallAsync(() => EditCoreAsync(requestId, seenPayloadVersion, form, cancellationToken));
    }

    /// <param name="seenPayloadVersion">The version shown to the approver.</param>
    public Task<RrrResult<AdjustmentView>> ApproveAsync(string requestId, long seenPayloadVersion, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => ApproveCoreAsync(requestId, seenPayloadVersion, cancellationToken));

    public Task<RrrResult<AdjustmentView>> RejectAsync(string requestId, string reason, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => RejectCoreAsync(requestId, reason, cancellationToken));

    /// <summary>Posts an approved request again after RRR was unreachable; the same key, so never twice.</summary>
    public Task<RrrResult<AdjustmentView>> RetryPostAsync(string requestId, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => RetryPostCoreAsync(requestId, cancellationToken));

    public Task<RrrResult<IReadOnlyList<AdjustmentView>>> ListAsync(CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => ListCoreAsync(cancellationToken));

    /// <summary>One request, wherever it stands in the list (a deep link from the queue or a notification); refused as not found when there is none.</summary>
    public Task<RrrResult<AdjustmentView>> GetAsync(string requestId, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(async () =>
        {
            await RequireAdminAsync(cancellationToken);
            var view = await engine.GetAsync(requestId, cancellationToken);
            return view.Request.Kind == AdjustmentPolicy.Kind
                ? ToView(view)
                : throw new ApprovalRuleException(ApprovalErrors.NotFound, "No such adjustment request.");
        });

    private async Task<AdjustmentView> RequestCoreAsync(AdjustmentForm form, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        var payload = await ResolveAsync(adminId, form, cancellationToken);
        var view = await engine.CreateAsync(
            AdjustmentPolicy.Kind, payload.XcnUserId, payload.ToJson(), AdjustmentPolicy.For(payload.Points), adminId, cancellationToken);
        await AuditAsync(adminId, "adjustment.requested", view.Request.Id, "PENDING", cancellationToken);
        events.Publish(new AdjustmentRequestChanged(view.Request.Id));
        return ToView(view);
    }

    private async Task<AdjustmentView> EditCoreAsync(string requestId, long seenPayloadVersion, AdjustmentForm form, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        ApprovalView view;
        try
        {
            var before = await engine.GetAsync(requestId, cancellationToken);
            if (before.Request.Kind != AdjustmentPolicy.Kind)
            {
                throw new ApprovalRuleException(ApprovalErrors.NotFound, "No such adjustment request.");
            }

            var payload = await ResolveAsync(adminId, form, cancellationToken);
            if (!string.Equals(payload.XcnUserId, AdjustmentPayload.FromJson(before.Request.PayloadJson).XcnUserId, StringComparison.Ordinal))
            {
                throw new AdjustmentRefusedException(AdjustmentRefusedException.Invalid, "The member of a request cannot be changed; make a new request for the other member.");
            }

            view = await engine.EditAsync(requestId, adminId, seenPayloadVersion, payload.ToJson(), AdjustmentPolicy.For(payload.Points), cancellationToken);
        }
        catch (ApprovalRuleException ex)
        {
            await AuditAsync(adminId, "adjustment.edited", requestId, "REFUSED:" + ex.Code, cancellationToken);
            throw;
        }

        await AuditAsync(adminId, "adjustment.edited", requestId, string.Create(CultureInfo.InvariantCulture, $"PENDING:v{view.Request.PayloadVersion}"), cancellationToken);
        events.Publish(new AdjustmentRequestChanged(requestId));
        return ToView(view);
    }

    private async Task<AdjustmentView> ApproveCoreAsync(string requestId, long seenPayloadVersion, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        var before = await engine.GetAsync(requestId, cancellationToken);
        await EnsureNotOwnAsync(adminId, AdjustmentPayload.FromJson(before.Request.PayloadJson), cancellationToken);
        ApprovalView view;
        try
        {
            view = await engine.ApproveAsync(requestId, adminId, seenPayloadVersion, cancellationToken);
        }
        catch (ApprovalRuleException ex)
        {
            await AuditAsync(adminId, "adjustment.approved", requestId, "REFUSED:" + ex.Code, cancellationToken);
            throw;
        }

        await AuditAsync(adminId, "adjustment.approved", requestId, ApprovalCodes.StatusText(view.Request.Status), cancellationToken);
        events.Publish(new AdjustmentRequestChanged(requestId));
        if (view.Request.Status == ApprovalStatus.Approved)
        {
            await posting.PostAsync(view, adminId, cancellationToken);
            view = await engine.GetAsync(requestId, cancellationToken);
        }

        return ToView(view);
    }

    private async Task<AdjustmentView> RejectCoreAsync(string requestId, string reason, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        var view = await engine.RejectAsync(requestId, adminId, reason, cancellationToken);
        await AuditAsync(adminId, "adjustment.rejected", requestId, "REJECTED", cancellationToken);
        events.Publish(new AdjustmentRequestChanged(requestId));
        return ToView(view);
    }

    private async Task<AdjustmentView> RetryPostCoreAsync(string requestId, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        var view = await engine.GetAsync(requestId, cancellationToken);
        await posting.PostAsync(view, adminId, cancellationToken);
        return ToView(await engine.GetAsync(requestId, cancellationToken));
    }

    private async Task<IReadOnlyList<AdjustmentView>> ListCoreAsync(CancellationToken cancellationToken)
    {
        await RequireAdminAsync(cancellationToken);
        var views = await engine.ListAsync(AdjustmentPolicy.Kind, MaxListed, cancellationToken);
        return views.Select(ToView).ToList();
    }

    public async Task<ChainVerification> VerifyChainAsync(CancellationToken cancellationToken)
    {
        await RequireAdminAsync(cancellationToken);
        return await engine.VerifyChainAsync(cancellationToken);
    }

    private AdjustmentView ToView(ApprovalView view) => new(view, AdjustmentPayload.FromJson(view.Request.PayloadJson), time.GetUtcNow());

    private async Task<string> RequireAdminAsync(CancellationToken cancellationToken) =>
        await identity.GetAdminIdAsync(cancellationToken)
            ?? throw new AdjustmentRefusedException(AdjustmentRefusedException.NotAdmin, "Only XCN admins work with adjustments.");

    private async Task<AdjustmentPayload> ResolveAsync(string adminId, AdjustmentForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var result = await validator.ValidateAsync(form, cancellationToken);
        if (!result.IsValid)
        {
            throw new AdjustmentRefusedException(AdjustmentRefusedException.Invalid, string.Join(" ", result.Errors.Select(e => e.ErrorMessage)));
        }

        var xcnUserId = form.XcnUserId.Trim();
        if (string.Equals(xcnUserId, adminId, StringComparison.Ordinal))
        {
            throw OwnAccount();
        }

        var link = await links.GetAsync(xcnUserId, cancellationToken);
        if (link.Status != LinkStatus.Linked || link.RrrMemberId is not { Length: > 0 } rrrMemberId)
        {
            throw new AdjustmentRefusedException(
                AdjustmentRefusedException.NotLinked,
                $"{xcnUserId} is not linked to an RRR account, so RRR has no points to adjust. The member links from their own portal page first.");
        }

        var payload = new AdjustmentPayload(xcnUserId, rrrMemberId, form.Points, form.ReasonCode!.Value, form.TicketId.Trim());
        await EnsureNotOwnAsync(adminId, payload, cancellationToken);
        return payload;
    }

    /// <summary>
    /// Admins sign in with their own XCN user id, which could also be linked to an RRR member (an admin who is
    /// also a customer); that member is theirs too, whatever XCN id the form names.
    /// </summary>
    private async Task EnsureNotOwnAsync(string adminId, AdjustmentPayload payload, CancellationToken cancellationToken)
    {
        if (string.Equals(payload.XcnUserId, adminId, StringComparison.Ordinal))
        {
            throw OwnAccount();
        }

        var own = await links.GetAsync(adminId, cancellationToken);
        if (own.Status == LinkStatus.Linked && string.Equals(own.RrrMemberId, payload.RrrMemberId, StringComparison.Ordinal))
        {
            throw OwnAccount();
        }
    }

    private static AdjustmentRefusedException OwnAccount() =>
        new(AdjustmentRefusedException.OwnAccount, "You cannot request or approve an adjustment of your own member account.");

    private Task AuditAsync(string actorId, string kind, string requestId, string outcome, CancellationToken cancellationToken) =>
        audit.AppendAsync(
            new AuditEvent("aud_" + Guid.NewGuid().ToString("N"), time.GetUtcNow(), actorId, kind, requestId,
                Activity.Current?.TraceId.ToHexString(), IdempotencyKeys.AdjustmentCreate(requestId), outcome),
            cancellationToken);
}
