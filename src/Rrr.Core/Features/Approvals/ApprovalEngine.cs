namespace Rrr.Core.Features.Approvals;

/// <summary>An approval request was made, edited or decided (the notifications of the admins it concerns follow it).</summary>
public sealed record ApprovalChanged(string RequestId, ApprovalAction Action) : IPortalMessage
{
    public static readonly PortalTopic<ApprovalChanged> Any = new("approval.changed", "");

    public IEnumerable<PortalTopicKey> Topics() => [Any.Key];
}

/// <summary>
/// The one maker-checker engine (adjustments now, promotions next): each feature hands in its kind,
/// payload and policy; the engine enforces the rules on the server and writes every step into the
/// hash-chained log. Rules: the maker cannot approve; a person counts once per payload version; an edit
/// starts a new version, so earlier approvals no longer count; a rejection needs a reason; an expired
/// request takes no decisions. Two decisions at the same moment both count: the one that loses the
/// optimistic-concurrency race is re-evaluated on the fresh state and stored after the winner.
/// </summary>
public sealed partial class ApprovalEngine(
    IApprovalStore store,
    TimeProvider time,
    IOptions<ApprovalOptions> options,
    ILogger<ApprovalEngine> logger,
    ApprovalChainKeys chain,
    IPortalEvents events)
{
    public const int MaxReasonLength = 500;

    public async Task<ApprovalView> CreateAsync(
        string kind, string subjectId, string payloadJson, ApprovalPolicy policy, string makerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentException.ThrowIfNullOrWhiteSpace(subjectId);
        ArgumentException.ThrowIfNullOrWhiteSpace(payloadJson);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentException.ThrowIfNullOrWhiteSpace(makerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(policy.RequiredXcnApprovers, 1);

        var now = time.GetUtcNow();
        var request = new ApprovalRequest(
            "apr_" + Guid.NewGuid().ToString("N"), kind, subjectId, payloadJson, 1, policy, makerId,
            ApprovalStatus.Pending, now, now + options.Value.RequestLifetime, 1);
        await store.CreateAsync(
            request,
            new ApprovalRecordDraft(request.Id, ApprovalAction.Requested, makerId, ApprovalRoles.XcnAdmin, 1, null, now, ApprovalChain.RequestDetail(request)),
            chain,
            cancellationToken);
        LogRequested(logger, request.Id, kind, makerId);
        events.Publish(new ApprovalChanged(request.Id, ApprovalAction.Requested));
        return new ApprovalView(request, await store.GetRecordsAsync(request.Id, cancellationToken));
    }

    public async Task<ApprovalView> GetAsync(string requestId, CancellationToken cancellationToken)
    {
        var request = await store.GetAsync(requestId, cancellationToken)
            ?? throw new ApprovalRuleException(ApprovalErrors.NotFound, "No such approval request.");
        return new ApprovalView(request, await store.GetRecordsAsync(requestId, cancellationToken));
    }

    /// <param name="seenPayloadVersion">The version the approver looked at; an edit since then refuses the approval.</param>
    public Task<ApprovalView> ApproveAsync(string requestId, string approverId, long seenPayloadVersion, CancellationToken cancellationToken) =>
        DecideAsync(requestId, approverId, view =>
        {
            var request = view.Request;
            RequirePending(view);
            if (string.Equals(approverId, request.MakerId, StringComparison.Ordinal))
            {
                throw new ApprovalRuleException(ApprovalErrors.MakerCannotApprove, "The maker cannot approve their own request.");
            }

            if (request.PayloadVersion != seenPayloadVersion)
            {
                throw new ApprovalRuleException(ApprovalErrors.StaleVersion, "The request was edited since you opened it; review it again.");
            }

            if (view.CurrentApprovals.Any(a => string.Equals(a.ActorId, approverId, StringComparison.Ordinal)))
            {
                throw new ApprovalRuleException(ApprovalErrors.AlreadyDecided, "You have already approved this request; a person counts once.");
            }

            var approvals = view.CurrentApprovals.Count + 1;
            var status = approvals >= request.Policy.RequiredXcnApprovers ? ApprovalStatus.Approved : ApprovalStatus.Pending;
            return (request with { Status = status },
                new ApprovalRecordDraft(
                    request.Id, ApprovalAction.Approved, approverId, ApprovalRoles.XcnAdmin, request.PayloadVersion, null, time.GetUtcNow(),
                    ApprovalChain.ApprovalDetail(request)));
        }, cancellationToken);

    public Task<ApprovalView> RejectAsync(string requestId, string approverId, string reason, CancellationToken cancellationToken)
    {
        var trimmed = reason?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new ApprovalRuleException(ApprovalErrors.ReasonRequired, "A rejection needs a reason.");
        }

        if (trimmed.Length > MaxReasonLength)
        {
            throw new ApprovalRuleException(ApprovalErrors.ReasonRequired, string.Create(CultureInfo.InvariantCulture, $"A reason has at most {MaxReasonLength} characters."));
        }

        return DecideAsync(requestId, approverId, view =>
        {
            var request = view.Request;
            RequirePending(view);
            if (string.Equals(approverId, request.MakerId, StringComparison.Ordinal))
            {
                throw new ApprovalRuleException(ApprovalErrors.MakerCannotApprove, "The maker cannot decide on their own request.");
            }

            return (request with { Status = ApprovalStatus.Rejected },
                new ApprovalRecordDraft(request.Id, ApprovalAction.Rejected, approverId, ApprovalRoles.XcnAdmin, request.PayloadVersion, trimmed, time.GetUtcNow()));
        }, cancellationToken);
    }

    /// <summary>
    /// RRR rejected the request before XCN's quorum was met (its own admin may decide first): the request closes
    /// as rejected and the log records who decided there, so it leaves the queue. Nothing happens to a request
    /// that is no longer pending, so a repeated webhook changes nothing.
    /// </summary>
    public async Task<ApprovalView> CloseRejectedElsewhereAsync(
        string requestId, string actorId, string actorRole, string? reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorRole);
        var current = await GetAsync(requestId, cancellationToken);
        if (current.Request.Status != ApprovalStatus.Pending)
        {
            return current;
        }

        var trimmed = reason?.Trim() is { Length: > 0 } r ? r[..Math.Min(r.Length, MaxReasonLength)] : null;
        try
        {
            return await DecideAsync(requestId, actorId, view =>
            {
                var request = view.Request;
                if (request.Status != ApprovalStatus.Pending)
                {
                    throw new ApprovalRuleException(ApprovalErrors.NotPending, "The request has already been decided.");
                }

                return (request with { Status = ApprovalStatus.Rejected },
                    new ApprovalRecordDraft(request.Id, ApprovalAction.Rejected, actorId, actorRole, request.PayloadVersion, trimmed, time.GetUtcNow()));
            }, cancellationToken);
        }
        catch (ApprovalRuleException ex) when (ex.Code == ApprovalErrors.NotPending)
        {
            return await GetAsync(requestId, cancellationToken);
        }
    }

    /// <summary>
    /// The maker changes the payload (and with it, possibly, the policy): a new payload version, so every
    /// approval given so far stops counting, and a fresh expiry. Only while pending and not expired.
    /// </summary>
    /// <param name="seenPayloadVersion">The version the edit started from; checked inside the compare-and-set, so
    /// two saves from the same starting point cannot both land.</param>
    public Task<ApprovalView> EditAsync(
        string requestId, string editorId, long seenPayloadVersion, string payloadJson, ApprovalPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(payloadJson);
        ArgumentNullException.ThrowIfNull(policy);
        return DecideAsync(requestId, editorId, view =>
        {
            var request = view.Request;
            RequirePending(view);
            if (!string.Equals(editorId, request.MakerId, StringComparison.Ordinal))
            {
                throw new ApprovalRuleException(ApprovalErrors.OnlyMakerEdits, "Only the maker can edit a request.");
            }

            if (request.PayloadVersion != seenPayloadVersion)
            {
                throw new ApprovalRuleException(ApprovalErrors.StaleVersion, "The request was changed since you opened it; open it again to see the current version.");
            }

            var now = time.GetUtcNow();
            var edited = request with
            {
                PayloadJson = payloadJson,
                Policy = policy,
                PayloadVersion = request.PayloadVersion + 1,
                ExpiresAt = now + options.Value.RequestLifetime,
            };
            return (edited, new ApprovalRecordDraft(
                request.Id, ApprovalAction.Edited, editorId, ApprovalRoles.XcnAdmin, edited.PayloadVersion, null, now, ApprovalChain.RequestDetail(edited)));
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<ApprovalView>> ListAsync(string kind, int take, CancellationToken cancellationToken) =>
        await ViewsAsync(await store.ListAsync(kind, take, cancellationToken), cancellationToken);

    /// <summary>
    /// What waits for XCN approval now, across kinds or of one <paramref name="kind"/>, oldest first, one page after
    /// <paramref name="after"/>. Two reads per page whatever its size: the requests, then all their records.
    /// </summary>
    public async Task<ApprovalQueuePage> QueueAsync(string? kind, ApprovalQueueCursor? after, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, ApprovalQueueQuery.MaxTake);

        // One extra row tells whether a next page exists without counting the queue.
        var requests = await store.ListPendingAsync(
            new ApprovalQueueQuery(time.GetUtcNow(), string.IsNullOrWhiteSpace(kind) ? null : kind, after, pageSize + 1), cancellationToken);
        var page = requests.Count > pageSize ? requests.Take(pageSize).ToList() : requests;
        var next = requests.Count > pageSize ? new ApprovalQueueCursor(page[^1].CreatedAt, page[^1].Id) : null;
        return new ApprovalQueuePage(await ViewsAsync(page, cancellationToken), next);
    }

    /// <summary>The whole log against the keys, then every stored request against the records that vouch for it.</summary>
    public Task<ChainVerification> VerifyChainAsync(CancellationToken cancellationToken) =>
        ApprovalChain.VerifyStoreAsync(store, chain, cancellationToken);

    /// <summary>
    /// Asked right before a request (or one decision on it, <paramref name="decision"/>) is carried out at RRR: null when
    /// the stored request matches its keyed chain records; otherwise why not, in words for the admin.
    /// </summary>
    public string? ProblemForPosting(ApprovalView view, ApprovalRecord? decision = null)
    {
        var problem = chain.ProblemForPosting(view, decision);
        if (problem is not null)
        {
            LogChainRefused(logger, view.Request.Id);
        }

        return problem;
    }

    private async Task<IReadOnlyList<ApprovalView>> ViewsAsync(IReadOnlyList<ApprovalRequest> requests, CancellationToken cancellationToken)
    {
        if (requests.Count == 0)
        {
            return [];
        }

        var records = (await store.GetRecordsForAsync(requests.Select(r => r.Id).ToList(), cancellationToken))
            .ToLookup(r => r.RequestId, StringComparer.Ordinal);
        return requests.Select(r => new ApprovalView(r, records[r.Id].ToList())).ToList();
    }

    private void RequirePending(ApprovalView view)
    {
        switch (view.Request.StatusAt(time.GetUtcNow()))
        {
            case ApprovalStatus.Pending:
                return;
            case ApprovalStatus.Expired:
                throw new ApprovalRuleException(ApprovalErrors.Expired, "The request has expired; make a new one.");
            default:
                throw new ApprovalRuleException(ApprovalErrors.NotPending, "The request has already been decided.");
        }
    }

    private async Task<ApprovalView> DecideAsync(
        string requestId,
        string actorId,
        Func<ApprovalView, (ApprovalRequest Updated, ApprovalRecordDraft Record)> decide,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        for (var attempt = 1; ; attempt++)
        {
            // Each attempt judges fresh state, so the rules hold for whatever happened in between.
            var view = await GetAsync(requestId, cancellationToken);
            var (updated, record) = decide(view);
            if (await store.UpdateAsync(updated with { Revision = view.Request.Revision + 1 }, view.Request.Revision, record, chain, cancellationToken))
            {
                LogDecided(logger, requestId, record.Action, actorId, updated.Status);
                events.Publish(new ApprovalChanged(requestId, record.Action));
                return await GetAsync(requestId, cancellationToken);
            }

            LogConflict(logger, requestId, attempt);
            if (attempt >= options.Value.ConflictRetries)
            {
                throw new ApprovalRuleException(ApprovalErrors.Conflict, "Others were changing this request at the same moment; please try again.");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Approval request {RequestId} does not match its approval chain: not carried out at RRR")]
    private static partial void LogChainRefused(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Approval request {RequestId} ({Kind}) made by {MakerId}")]
    private static partial void LogRequested(ILogger logger, string requestId, string kind, string makerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Approval request {RequestId}: {Action} by {ActorId}, now {Status}")]
    private static partial void LogDecided(ILogger logger, string requestId, ApprovalAction action, string actorId, ApprovalStatus status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Approval request {RequestId}: concurrent change, re-evaluating (attempt {Attempt})")]
    private static partial void LogConflict(ILogger logger, string requestId, int attempt);
}
