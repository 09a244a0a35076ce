using Microsoft.Extensions.Localization;

namespace Rrr.Core.Features.Promotions;

/// <summary>
/// What an XCN admin does with promotions. RRR keeps the promotion and its status; the portal keeps one
/// approval round per submit on the maker-checker engine (kind "promotion", subject = RRR promotion id), so
/// every XCN decision is in the hash-chained log before it is forwarded to RRR. Who acts comes only from
/// <see cref="IAdminIdentity"/>; every action is audited with its trace id and idempotency key.
/// </summary>
public sealed class PromotionService(
    ApprovalEngine engine,
    PromotionSync sync,
    IRrrPromotionsApi promotions,
    IAuditStore audit,
    IAdminIdentity identity,
    IValidator<PromotionForm> validator,
    IPortalEvents events,
    TimeProvider time,
    IStringLocalizer<PromotionServiceText> text)
{
    private readonly PromotionCalls calls = new(audit, time, text);

    public Task<string?> CurrentAdminIdAsync(CancellationToken cancellationToken) => identity.GetAdminIdAsync(cancellationToken);

    public Task<RrrResult<IReadOnlyList<Promotion>>> ListAsync(PromotionStatus? status, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => ListCoreAsync(status, cancellationToken));

    public Task<RrrResult<PromotionDetail>> GetAsync(string promotionId, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => DetailAsync(promotionId, cancellationToken));

    /// <param name="clientRequestId">Made once per create form, so a double submit is one promotion at RRR.</param>
    public Task<RrrResult<Promotion>> CreateAsync(PromotionForm form, string clientRequestId, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => CreateCoreAsync(form, clientRequestId, cancellationToken));

    /// <summary>
    /// The maker edits a DRAFT or REJECTED promotion. RRR raises its version and clears its approvals; here the
    /// next submit opens a new round, so no approval of the old content counts for the new one.
    /// </summary>
    /// <param name="seenVersion">The version the maker edited; a change since then refuses the edit.</param>
    public Task<RrrResult<Promotion>> EditAsync(string promotionId, long seenVersion, PromotionForm form, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => EditCoreAsync(promotionId, seenVersion, form, cancellationToken));

    /// <summary>The maker sends a draft for approval: PENDING_APPROVAL at RRR, and a new approval round here.</summary>
    public Task<RrrResult<PromotionDetail>> SubmitAsync(string promotionId, long seenVersion, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => SubmitCoreAsync(promotionId, seenVersion, cancellationToken));

    /// <summary>
    /// An XCN admin approves what they were shown: the engine records it in the chain first (refusing the maker and a
    /// repeat), then it goes to RRR under a key made of the promotion, the round and the approver, so a retry never
    /// counts twice.
    /// </summary>
    /// <param name="seenRoundId">The approval round (request id) the page showed.</param>
    /// <param name="seenVersion">The promotion version that round was submitted with (<see cref="PromotionRoundPayload.SubmittedVersion"/>),
    /// i.e. the content the page showed. Not RRR's current version: RRR raises that with every decision, so the second
    /// approver would always look stale. A new round or content since then (rejected, edited, submitted again) refuses
    /// the decision before anything is recorded: an approval is of what was read.</param>
    public Task<RrrResult<PromotionDetail>> ApproveAsync(string promotionId, string seenRoundId, long seenVersion, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => DecideAsync(promotionId, seenRoundId, seenVersion, ApprovalDecision.Approve, null, cancellationToken));

    /// <inheritdoc cref="ApproveAsync" path="/param"/>
    public Task<RrrResult<PromotionDetail>> RejectAsync(string promotionId, string seenRoundId, long seenVersion, string reason, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => DecideAsync(promotionId, seenRoundId, seenVersion, ApprovalDecision.Reject, reason, cancellationToken));

    /// <summary>Sends the signed-in admin's recorded decision to RRR again (after RRR was unreachable); same key.</summary>
    public Task<RrrResult<PromotionDetail>> ResendDecisionAsync(string promotionId, CancellationToken cancellationToken) =>
        RrrResult.CallAsync(() => ResendCoreAsync(promotionId, cancellationToken));

    private async Task<IReadOnlyList<Promotion>> ListCoreAsync(PromotionStatus? status, CancellationToken cancellationToken)
    {
        await RequireAdminAsync(cancellationToken);
        return (await promotions.ListAsync(status, cancellationToken)).Items;
    }

    private async Task<PromotionDetail> DetailAsync(string promotionId, CancellationToken cancellationToken)
    {
        await RequireAdminAsync(cancellationToken);
        var promotion = await promotions.GetAsync(promotionId, cancellationToken);
        var rounds = new List<ApprovalView>();
        foreach (var round in await sync.RoundsAsync(promotionId, cancellationToken))
        {
            rounds.Add(await engine.GetAsync(round.Id, cancellationToken));
        }

        return new PromotionDetail(promotion, rounds);
    }

    private async Task<Promotion> CreateCoreAsync(PromotionForm form, string clientRequestId, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        await ValidateAsync(form, cancellationToken);
        var key = IdempotencyKeys.PromotionCreate(clientRequestId);
        var created = await calls.CallAsync(adminId, "promotion.created", null, key, () => promotions.CreateAsync(
            new CreatePromotionRequest(
                form.Name.Trim(), form.Kind!.Value, form.Value!.Value, PromotionForm.AsUtc(form.StartsAtUtc)!.Value,
                PromotionForm.AsUtc(form.EndsAtUtc)!.Value, form.Audience!.Value, form.BudgetCapPoints!.Value, adminId),
            key,
            cancellationToken), cancellationToken);
        events.Publish(new PromotionChanged(created.PromotionId));
        return created;
    }

    private async Task<Promotion> EditCoreAsync(string promotionId, long seenVersion, PromotionForm form, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        await ValidateAsync(form, cancellationToken);
        var current = await promotions.GetAsync(promotionId, cancellationToken);
        RequireMaker(current, adminId, "edit");
        if (current.Status is not (PromotionStatus.Draft or PromotionStatus.Rejected))
        {
            throw new PromotionRefusedException(PromotionRefusedException.WrongState, text["OnlyDraftOrRejectedEdited"]);
        }

        RequireVersion(current, seenVersion);
        var key = IdempotencyKeys.PromotionUpdate(promotionId, seenVersion);
        var edited = await calls.CallAsync(adminId, "promotion.edited", promotionId, key, () => promotions.UpdateAsync(
            promotionId,
            new UpdatePromotionRequest
            {
                Name = form.Name.Trim(),
                Kind = form.Kind,
                Value = form.Value,
                StartsAt = PromotionForm.AsUtc(form.StartsAtUtc),
                EndsAt = PromotionForm.AsUtc(form.EndsAtUtc),
                Audience = form.Audience,
                BudgetCapPoints = form.BudgetCapPoints,
            },
            key,
            cancellationToken), cancellationToken);
        await sync.RecordAsync(edited, cancellationToken);
        events.Publish(new PromotionChanged(promotionId));
        return edited;
    }

    private async Task<PromotionDetail> SubmitCoreAsync(string promotionId, long seenVersion, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        var current = await promotions.GetAsync(promotionId, cancellationToken);
        RequireMaker(current, adminId, "submit");
        if (current.Status != PromotionStatus.Draft)
        {
            throw new PromotionRefusedException(PromotionRefusedException.WrongState, text["OnlyDraftSubmitted"]);
        }

        RequireVersion(current, seenVersion);

        // Keyed by the draft's version: a retry after a lost answer replays RRR's answer and still opens the round below.
        var key = IdempotencyKeys.PromotionSubmit(promotionId, seenVersion);
        var submitted = await calls.CallAsync(adminId, "promotion.submitted", promotionId, key, () => promotions.SubmitAsync(
            promotionId, new SubmitPromotionRequest(adminId), key, cancellationToken), cancellationToken);
        var payload = PromotionRoundPayload.From(submitted);
        var newest = await sync.NewestRoundAsync(promotionId, cancellationToken);
        if (newest is null || PromotionRoundPayload.FromJson(newest.PayloadJson).SubmittedVersion != payload.SubmittedVersion)
        {
            await engine.CreateAsync(PromotionPolicy.Kind, promotionId, payload.ToJson(), PromotionPolicy.Policy, submitted.CreatedBy, cancellationToken);
        }

        await sync.RecordAsync(submitted, cancellationToken);
        events.Publish(new PromotionChanged(promotionId));
        return await DetailAsync(promotionId, cancellationToken);
    }

    private async Task<PromotionDetail> ResendCoreAsync(string promotionId, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        var detail = await DetailAsync(promotionId, cancellationToken);
        var round = detail.CurrentRound
            ?? throw new PromotionRefusedException(PromotionRefusedException.WrongState, text["NotWaiting"]);
        var mine = round.Records.LastOrDefault(r =>
            string.Equals(r.ActorId, adminId, StringComparison.Ordinal) && r.Action is ApprovalAction.Approved or ApprovalAction.Rejected)
            ?? throw new PromotionRefusedException(PromotionRefusedException.WrongState, text["NoDecisionToSend"]);
        await ForwardAsync(adminId, round, mine.Action == ApprovalAction.Approved ? ApprovalDecision.Approve : ApprovalDecision.Reject, mine.Reason, cancellationToken);
        return await DetailAsync(promotionId, cancellationToken);
    }

    private async Task<PromotionDetail> DecideAsync(
        string promotionId, string seenRoundId, long seenVersion, ApprovalDecision decision, string? reason, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        var auditKind = decision == ApprovalDecision.Approve ? "promotion.approved" : "promotion.rejected";
        var detail = await DetailAsync(promotionId, cancellationToken);
        var round = detail.CurrentRound;
        if (round is null)
        {
            await calls.RefusedAsync(adminId, auditKind, promotionId, PromotionRefusedException.WrongState, cancellationToken);
            throw new PromotionRefusedException(PromotionRefusedException.WrongState, text["NotWaiting"]);
        }

        var submitted = PromotionRoundPayload.FromJson(round.Request.PayloadJson).SubmittedVersion;
        if (!string.Equals(round.Request.Id, seenRoundId, StringComparison.Ordinal) || submitted != seenVersion)
        {
            await calls.RefusedAsync(adminId, auditKind, promotionId, PromotionRefusedException.Stale, cancellationToken);
            throw new PromotionRefusedException(
                PromotionRefusedException.Stale,
                text["ChangedNewRound", submitted.ToString(CultureInfo.InvariantCulture)]);
        }

        try
        {
            round = decision == ApprovalDecision.Approve
                ? await engine.ApproveAsync(round.Request.Id, adminId, round.Request.PayloadVersion, cancellationToken)
                : await engine.RejectAsync(round.Request.Id, adminId, reason ?? "", cancellationToken);
        }
        catch (ApprovalRuleException ex)
        {
            await calls.RefusedAsync(adminId, auditKind, promotionId, ex.Code, cancellationToken);
            throw;
        }

        events.Publish(new PromotionChanged(promotionId));
        await ForwardAsync(adminId, round, decision, round.Rejection?.Reason, cancellationToken);
        return await DetailAsync(promotionId, cancellationToken);
    }

    private async Task ForwardAsync(string adminId, ApprovalView round, ApprovalDecision decision, string? reason, CancellationToken cancellationToken)
    {
        var auditKind = decision == ApprovalDecision.Approve ? "promotion.approved" : "promotion.rejected";

        // The round's row names the promotion and version the decision goes to; only the keyed chain vouches for them.
        var mine = round.Records.LastOrDefault(r =>
            string.Equals(r.ActorId, adminId, StringComparison.Ordinal) && r.Action is ApprovalAction.Approved or ApprovalAction.Rejected);
        var problem = mine is null
            ? text["NotInChain"]
            : engine.ProblemForPosting(round, mine);
        if (problem is not null)
        {
            await calls.RefusedAsync(adminId, auditKind, round.Request.SubjectId, PromotionRefusedException.ChainBroken, cancellationToken);
            throw new PromotionRefusedException(PromotionRefusedException.ChainBroken, problem);
        }

        var payload = PromotionRoundPayload.FromJson(round.Request.PayloadJson);
        var key = IdempotencyKeys.PromotionDecision(payload.PromotionId, payload.SubmittedVersion, adminId);
        var after = await calls.CallAsync(adminId, auditKind, payload.PromotionId, key, () => promotions.DecideAsync(
            payload.PromotionId,
            new ApprovalDecisionRequest(adminId, ApproverRole.XcnAdmin, decision, decision == ApprovalDecision.Reject ? reason : null),
            key,
            cancellationToken), cancellationToken);
        await sync.RecordAsync(after, cancellationToken);
        events.Publish(new PromotionChanged(payload.PromotionId));
    }

    private async Task ValidateAsync(PromotionForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var result = await validator.ValidateAsync(form, cancellationToken);
        if (!result.IsValid)
        {
            throw new PromotionRefusedException(
                PromotionRefusedException.Invalid,
                string.Join(" ", result.Errors.Select(e => e.ErrorMessage)),
                result.Errors.GroupBy(e => e.PropertyName, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray(), StringComparer.Ordinal));
        }
    }

    private void RequireMaker(Promotion promotion, string adminId, string action)
    {
        if (!string.Equals(promotion.CreatedBy, adminId, StringComparison.Ordinal))
        {
            throw new PromotionRefusedException(PromotionRefusedException.NotMaker, text[action == "edit" ? "OnlyMakerEdit" : "OnlyMakerSubmit"]);
        }
    }

    private void RequireVersion(Promotion promotion, long seenVersion)
    {
        if (promotion.Version != seenVersion)
        {
            throw new PromotionRefusedException(PromotionRefusedException.Stale, text["Changed"]);
        }
    }

    private async Task<string> RequireAdminAsync(CancellationToken cancellationToken) =>
        await identity.GetAdminIdAsync(cancellationToken)
            ?? throw new PromotionRefusedException(PromotionRefusedException.NotAdmin, text["OnlyAdmins"]);
}
