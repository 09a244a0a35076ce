using System.Diagnostics;
using FluentValidation;
using Rrr.Core.Features.Adjustments;
using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Audit;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Promotions;

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
    TimeProvider time)
{
    public Task<string?> CurrentAdminIdAsync(CancellationToken cancellationToken) => identity.GetAdminIdAsync(cancellationToken);

    public async Task<IReadOnlyList<Promotion>> ListAsync(PromotionStatus? status, CancellationToken cancellationToken)
    {
        await RequireAdminAsync(cancellationToken);
        return (await promotions.ListAsync(status, cancellationToken)).Items;
    }

    public async Task<PromotionDetail> GetAsync(string promotionId, CancellationToken cancellationToken)
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

    /// <param name="clientRequestId">Made once per create form, so a double submit is one promotion at RRR.</param>
    public async Task<Promotion> CreateAsync(PromotionForm form, string clientRequestId, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        await ValidateAsync(form, cancellationToken);
        var key = IdempotencyKeys.PromotionCreate(clientRequestId);
        var created = await CallAsync(adminId, "promotion.created", null, key, () => promotions.CreateAsync(
            new CreatePromotionRequest(
                form.Name.Trim(), form.Kind!.Value, form.Value!.Value, PromotionForm.AsUtc(form.StartsAtUtc)!.Value,
                PromotionForm.AsUtc(form.EndsAtUtc)!.Value, form.Audience!.Value, form.BudgetCapPoints!.Value, adminId),
            key,
            cancellationToken), cancellationToken);
        events.Publish(new PromotionChanged(created.PromotionId));
        return created;
    }

    /// <summary>
    /// The maker edits a DRAFT or REJECTED promotion. RRR raises its version and clears its approvals; here the
    /// next submit opens a new round, so no approval of the old content counts for the new one.
    /// </summary>
    /// <param name="seenVersion">The version the maker edited; a change since then refuses the edit.</param>
    public async Task<Promotion> EditAsync(string promotionId, long seenVersion, PromotionForm form, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        await ValidateAsync(form, cancellationToken);
        var current = await promotions.GetAsync(promotionId, cancellationToken);
        RequireMaker(current, adminId, "edit");
        if (current.Status is not (PromotionStatus.Draft or PromotionStatus.Rejected))
        {
            throw new PromotionRefusedException(PromotionRefusedException.WrongState, "Only a draft or rejected promotion can be edited.");
        }

        RequireVersion(current, seenVersion);
        var key = IdempotencyKeys.PromotionUpdate(promotionId, seenVersion);
        var edited = await CallAsync(adminId, "promotion.edited", promotionId, key, () => promotions.UpdateAsync(
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

    /// <summary>The maker sends a draft for approval: PENDING_APPROVAL at RRR, and a new approval round here.</summary>
    public async Task<PromotionDetail> SubmitAsync(string promotionId, long seenVersion, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        var current = await promotions.GetAsync(promotionId, cancellationToken);
        RequireMaker(current, adminId, "submit");
        if (current.Status != PromotionStatus.Draft)
        {
            throw new PromotionRefusedException(PromotionRefusedException.WrongState, "Only a draft can be submitted; edit a rejected promotion first.");
        }

        RequireVersion(current, seenVersion);

        // Keyed by the draft's version: a retry after a lost answer replays RRR's answer and still opens the round below.
        var key = IdempotencyKeys.PromotionSubmit(promotionId, seenVersion);
        var submitted = await CallAsync(adminId, "promotion.submitted", promotionId, key, () => promotions.SubmitAsync(
            promotionId, new SubmitPromotionRequest(adminId), key, cancellationToken), cancellationToken);
        var payload = PromotionRoundPayload.From(submitted);
        var newest = await sync.NewestRoundAsync(promotionId, cancellationToken);
        if (newest is null || PromotionRoundPayload.FromJson(newest.PayloadJson).SubmittedVersion != payload.SubmittedVersion)
        {
            await engine.CreateAsync(PromotionPolicy.Kind, promotionId, payload.ToJson(), PromotionPolicy.Policy, submitted.CreatedBy, cancellationToken);
        }

        await sync.RecordAsync(submitted, cancellationToken);
        events.Publish(new PromotionChanged(promotionId));
        return await GetAsync(promotionId, cancellationToken);
    }

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
    public Task<PromotionDetail> ApproveAsync(string promotionId, string seenRoundId, long seenVersion, CancellationToken cancellationToken) =>
        DecideAsync(promotionId, seenRoundId, seenVersion, ApprovalDecision.Approve, null, cancellationToken);

    /// <inheritdoc cref="ApproveAsync" path="/param"/>
    public Task<PromotionDetail> RejectAsync(string promotionId, string seenRoundId, long seenVersion, string reason, CancellationToken cancellationToken) =>
        DecideAsync(promotionId, seenRoundId, seenVersion, ApprovalDecision.Reject, reason, cancellationToken);

    /// <summary>Sends the signed-in admin's recorded decision to RRR again (after RRR was unreachable); same key.</summary>
    public async Task<PromotionDetail> ResendDecisionAsync(string promotionId, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        var detail = await GetAsync(promotionId, cancellationToken);
        var round = detail.CurrentRound
            ?? throw new PromotionRefusedException(PromotionRefusedException.WrongState, "The promotion is not waiting for approval.");
        var mine = round.Records.LastOrDefault(r =>
            string.Equals(r.ActorId, adminId, StringComparison.Ordinal) && r.Action is ApprovalAction.Approved or ApprovalAction.Rejected)
            ?? throw new PromotionRefusedException(PromotionRefusedException.WrongState, "You have no decision on this round to send.");
        await ForwardAsync(adminId, round, mine.Action == ApprovalAction.Approved ? ApprovalDecision.Approve : ApprovalDecision.Reject, mine.Reason, cancellationToken);
        return await GetAsync(promotionId, cancellationToken);
    }

    private async Task<PromotionDetail> DecideAsync(
        string promotionId, string seenRoundId, long seenVersion, ApprovalDecision decision, string? reason, CancellationToken cancellationToken)
    {
        var adminId = await RequireAdminAsync(cancellationToken);
        var auditKind = decision == ApprovalDecision.Approve ? "promotion.approved" : "promotion.rejected";
        var detail = await GetAsync(promotionId, cancellationToken);
        var round = detail.CurrentRound;
        if (round is null)
        {
            await AuditAsync(adminId, auditKind, promotionId, null, null, "REFUSED:" + PromotionRefusedException.WrongState, cancellationToken);
            throw new PromotionRefusedException(PromotionRefusedException.WrongState, "The promotion is not waiting for approval.");
        }

        var submitted = PromotionRoundPayload.FromJson(round.Request.PayloadJson).SubmittedVersion;
        if (!string.Equals(round.Request.Id, seenRoundId, StringComparison.Ordinal) || submitted != seenVersion)
        {
            await AuditAsync(adminId, auditKind, promotionId, null, null, "REFUSED:" + PromotionRefusedException.Stale, cancellationToken);
            throw new PromotionRefusedException(
                PromotionRefusedException.Stale,
                string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"The promotion changed since you opened it: version {submitted} is in a new approval round now. Nothing was recorded; review it again before deciding."));
        }

        try
        {
            round = decision == ApprovalDecision.Approve
                ? await engine.ApproveAsync(round.Request.Id, adminId, round.Request.PayloadVersion, cancellationToken)
                : await engine.RejectAsync(round.Request.Id, adminId, reason ?? "", cancellationToken);
        }
        catch (ApprovalRuleException ex)
        {
            await AuditAsync(adminId, auditKind, promotionId, null, null, "REFUSED:" + ex.Code, cancellationToken);
            throw;
        }

        events.Publish(new PromotionChanged(promotionId));
        await ForwardAsync(adminId, round, decision, round.Rejection?.Reason, cancellationToken);
        return await GetAsync(promotionId, cancellationToken);
    }

    private async Task ForwardAsync(string adminId, ApprovalView round, ApprovalDecision decision, string? reason, CancellationToken cancellationToken)
    {
        var auditKind = decision == ApprovalDecision.Approve ? "promotion.approved" : "promotion.rejected";

        // The round's row names the promotion and version the decision goes to; only the keyed chain vouches for them.
        var mine = round.Records.LastOrDefault(r =>
            string.Equals(r.ActorId, adminId, StringComparison.Ordinal) && r.Action is ApprovalAction.Approved or ApprovalAction.Rejected);
        var problem = mine is null
            ? "Your decision is not in the approval chain; nothing was sent to RRR."
            : engine.ProblemForPosting(round, mine);
        if (problem is not null)
        {
            await AuditAsync(adminId, auditKind, round.Request.SubjectId, null, null, "REFUSED:" + PromotionRefusedException.ChainBroken, cancellationToken);
            throw new PromotionRefusedException(PromotionRefusedException.ChainBroken, problem);
        }

        var payload = PromotionRoundPayload.FromJson(round.Request.PayloadJson);
        var key = IdempotencyKeys.PromotionDecision(payload.PromotionId, payload.SubmittedVersion, adminId);
        var after = await CallAsync(adminId, auditKind, payload.PromotionId, key, () => promotions.DecideAsync(
            payload.PromotionId,
            new PromotionDecisionRequest(adminId, ApproverRole.XcnAdmin, decision, decision == ApprovalDecision.Reject ? reason : null),
            key,
            cancellationToken), cancellationToken);
        await sync.RecordAsync(after, cancellationToken);
        events.Publish(new PromotionChanged(payload.PromotionId));
    }

    /// <summary>
    /// One RRR call with its audit event: the trace id is the one the call carried (so /admin/audit links the
    /// event to the call), the outcome RRR's status or the refusal, and RRR's refusals become clear messages.
    /// </summary>
    private async Task<Promotion> CallAsync(
        string adminId, string auditKind, string? promotionId, string key, Func<Task<Promotion>> call, CancellationToken cancellationToken)
    {
        using var activity = Activity.Current is null ? new Activity(auditKind).Start() : null;
        var traceId = Activity.Current?.TraceId.ToHexString();
        try
        {
            var result = await call();
            await AuditAsync(adminId, auditKind, result.PromotionId, traceId, key, PromotionStatusText.Code(result.Status), cancellationToken);
            return result;
        }
        catch (RrrProblemException ex)
        {
            await AuditAsync(adminId, auditKind, promotionId, ex.TraceId ?? traceId, key, "REFUSED:" + ex.Code, cancellationToken);
            throw Translate(ex);
        }
        catch (RrrUnavailableException ex)
        {
            await AuditAsync(adminId, auditKind, promotionId, ex.TraceId ?? traceId, key, "RRR_UNAVAILABLE", cancellationToken);
            throw new PromotionRefusedException(
                PromotionRefusedException.RrrUnavailable,
                auditKind is "promotion.approved" or "promotion.rejected"
                    ? "Your decision is recorded here, but RRR could not be reached; send it again shortly (the same request, never counted twice)."
                    : "RRR is temporarily unavailable; nothing was changed. Try again shortly.");
        }
    }

    internal static PromotionRefusedException Translate(RrrProblemException ex) => ex.Code switch
    {
        RrrErrorCodes.ApprovalNotAllowed => new(PromotionRefusedException.MakerCannotApprove, "RRR refused: the creator of a promotion cannot approve or reject it."),
        RrrErrorCodes.AlreadyDecided => new(PromotionRefusedException.AlreadyDecided, "RRR already has your decision on this version of the promotion; a person counts once."),
        RrrErrorCodes.InvalidState => new(PromotionRefusedException.WrongState, "RRR refused: the promotion is no longer in a state that allows this. Reload to see where it stands."),
        RrrErrorCodes.ValidationFailed => new(
            PromotionRefusedException.Invalid,
            "RRR refused the promotion: " + string.Join(" ", ex.Errors.SelectMany(e => e.Value)),
            ex.Errors.ToDictionary(e => FormField(e.Key), e => e.Value, StringComparer.Ordinal)),
        RrrErrorCodes.NotFound => new(PromotionRefusedException.RrrRefused, "RRR has no such promotion."),
        _ => new(PromotionRefusedException.RrrRefused, $"RRR refused the request ({ex.Code})."),
    };

    private static string FormField(string wireName) => wireName switch
    {
        "name" => nameof(PromotionForm.Name),
        "kind" => nameof(PromotionForm.Kind),
        "value" => nameof(PromotionForm.Value),
        "starts_at" => nameof(PromotionForm.StartsAtUtc),
        "ends_at" => nameof(PromotionForm.EndsAtUtc),
        "audience" => nameof(PromotionForm.Audience),
        "budget_cap_points" => nameof(PromotionForm.BudgetCapPoints),
        _ => wireName,
    };

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

    private static void RequireMaker(Promotion promotion, string adminId, string action)
    {
        if (!string.Equals(promotion.CreatedBy, adminId, StringComparison.Ordinal))
        {
            throw new PromotionRefusedException(PromotionRefusedException.NotMaker, $"Only the admin who created this promotion can {action} it.");
        }
    }

    private static void RequireVersion(Promotion promotion, long seenVersion)
    {
        if (promotion.Version != seenVersion)
        {
            throw new PromotionRefusedException(PromotionRefusedException.Stale, "The promotion changed since you opened it; review it again.");
        }
    }

    private async Task<string> RequireAdminAsync(CancellationToken cancellationToken) =>
        await identity.GetAdminIdAsync(cancellationToken)
            ?? throw new PromotionRefusedException(PromotionRefusedException.NotAdmin, "Only XCN admins work with promotions.");

    private Task AuditAsync(
        string actorId, string kind, string? promotionId, string? traceId, string? key, string outcome, CancellationToken cancellationToken) =>
        audit.AppendAsync(
            new AuditEvent("aud_" + Guid.NewGuid().ToString("N"), time.GetUtcNow(), actorId, kind, promotionId,
                traceId ?? Activity.Current?.TraceId.ToHexString(), key, outcome),
            cancellationToken);
}
