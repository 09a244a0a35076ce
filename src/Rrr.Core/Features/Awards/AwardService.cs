using Microsoft.Extensions.Localization;

namespace Rrr.Core.Features.Awards;

/// <summary>
/// A model awards points to a viewer in their live room: intent then commit at RRR, each keyed from the
/// dialog's client award id so a double click or a retry after a lost answer is one award. Takes no model id:
/// the model is the signed-in user (<see cref="CurrentMemberService"/>), and room and stream come from XCN.
/// </summary>
public sealed partial class AwardService(
    CurrentMemberService members,
    IXcnRoomDirectory rooms,
    IRrrAwardsApi awards,
    ViewerLinkHintReader linkHints,
    IAwardHistoryStore history,
    IAuditStore audit,
    IValidator<AwardRequest> validator,
    IOptions<AwardOptions> options,
    IStringLocalizer<AwardMessages> text,
    TimeProvider time,
    ILogger<AwardService> logger) : IDisposable
{
    public const string AuditKind = "award";
    public const int MaxHistoryPage = 100;

    /// <summary>The failure code of an award the stream budget refused (the portal's rule, not RRR's).</summary>
    public const string StreamBudgetCode = "stream_budget";

    // One award at a time per circuit: a second click waits for the first and then finds its stored outcome.
    private readonly SemaphoreSlim gate = new(1, 1);

    // Intents whose award this circuit's room reports itself: from the intent until RRR refuses or leaves it unconfirmed
    // (then RRR's own word is the model's news). Read on the bus's thread when TRANSFER_COMPLETED arrives.
    private readonly ConcurrentDictionary<string, byte> ownIntents = new(StringComparer.Ordinal);

    public AwardOptions Options => options.Value;

    /// <summary>A fresh client award id; the dialog calls this once when it opens (and after a definite refusal).</summary>
    public static string NewClientAwardId() => "ca_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>The signed-in model's live room with a link hint per viewer; <see cref="ModelRoomView.NotLive"/> when not live.</summary>
    public async Task<ModelRoomView> GetRoomAsync(CancellationToken cancellationToken)
    {
        var model = await members.GetAsync(refreshLink: false, cancellationToken);
        var room = await rooms.GetCurrentRoomAsync(model.XcnUserId, cancellationToken);
        if (room is null)
        {
            return ModelRoomView.NotLive;
        }

        var hints = await linkHints.GetAsync(room.Viewers, cancellationToken);
        return new ModelRoomView(room, room.Viewers.Select((v, i) => new RoomViewerView(v.XcnUserId, v.DisplayName, hints[i])).ToList());
    }

    /// <summary>Display names of the viewers in the model's room (for the history screen only; names are never stored).</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetViewerNamesAsync(CancellationToken cancellationToken)
    {
        var model = await members.GetAsync(refreshLink: false, cancellationToken);
        var room = await rooms.GetCurrentRoomAsync(model.XcnUserId, cancellationToken);
        return room is null
            ? new Dictionary<string, string>()
            : room.Viewers.DistinctBy(v => v.XcnUserId).ToDictionary(v => v.XcnUserId, v => v.DisplayName, StringComparer.Ordinal);
    }

    /// <summary>One page of the signed-in model's own awards, newest first.</summary>
    public async Task<AwardHistoryPage> GetHistoryAsync(int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, MaxHistoryPage);
        var model = await members.GetAsync(refreshLink: false, cancellationToken);
        return await history.ListAsync(model.XcnUserId, skip, take, cancellationToken);
    }

    /// <summary>The bus topic of the signed-in model's awards as RRR settles them (the history page follows it).</summary>
    public async Task<PortalTopic<AwardSettled>> SettledTopicAsync(CancellationToken cancellationToken) =>
        AwardSettled.OfModel((await members.GetAsync(refreshLink: false, cancellationToken)).XcnUserId);

    public async Task<AwardResult> AwardAsync(AwardRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return new AwardResult(AwardOutcome.Invalid, text["CheckFields"],
                Errors: new Dictionary<string, string[]>(validation.ToDictionary()));
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            return await AwardOnceAsync(request.ClientAwardId, request.ViewerXcnUserId!, request.Points!.Value, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Whether this circuit's room tells the model about <paramref name="awardIntentId"/>'s award (it started it, RRR did not refuse).</summary>
    public bool IsAnnouncedHere(string awardIntentId) => ownIntents.ContainsKey(awardIntentId);

    public void Dispose() => gate.Dispose();

    private async Task<AwardResult> AwardOnceAsync(string clientAwardId, string viewerXcnUserId, long points, CancellationToken cancellationToken)
    {
        var model = await members.GetAsync(refreshLink: false, cancellationToken);
        if (model.RrrMemberId is not { } modelMemberId)
        {
            return new AwardResult(AwardOutcome.NotPossible, text["ModelNotLinked"]);
        }

        var room = await rooms.GetCurrentRoomAsync(model.XcnUserId, cancellationToken);
        if (room is null)
        {
            return new AwardResult(AwardOutcome.NotPossible, text["NotLive"]);
        }

        if (room.FindViewer(viewerXcnUserId) is null)
        {
            return new AwardResult(AwardOutcome.NotPossible, text["ViewerLeft"],
                Errors: new Dictionary<string, string[]> { [nameof(AwardRequest.ViewerXcnUserId)] = [text["ChooseViewerInRoom"]] });
        }

        var now = time.GetUtcNow();
        var stored = await history.StartAsync(
            new AwardRecord(model.XcnUserId, clientAwardId, modelMemberId, viewerXcnUserId, points, room.RoomId, room.StreamId,
                AwardRecordStatus.Pending, null, null, null, null, now, now, null),
            cancellationToken);
        if (stored.ViewerXcnUserId != viewerXcnUserId || stored.Points != points)
        {
            // The same dialog id with other details: RRR would refuse the reused key, so say it plainly here.
            return new AwardResult(AwardOutcome.Refused, text["KeyReused"]);
        }

        if (stored.Status == AwardRecordStatus.Committed)
        {
            return Awarded(stored);
        }

        if (await OverBudgetAsync(stored, cancellationToken) is { } overBudget)
        {
            return overBudget;
        }

        // Pending, refused or not sent before: ask RRR again under the same keys, which replays what it decided.
        using var activity = new Activity("rrr.award").Start();
        var traceId = activity.TraceId.ToHexString();
        var intentKey = IdempotencyKeys.AwardIntent(clientAwardId);
        AwardIntent intent;
        try
        {
            intent = await awards.CreateIntentAsync(
                // The stored room and stream, not today's: a retry must send the very body the key was first used with.
                new CreateAwardIntentRequest(stored.ModelMemberId, stored.ViewerXcnUserId, stored.Points, stored.RoomId, stored.StreamId),
                intentKey, cancellationToken);
        }
        catch (RrrProblemException ex)
        {
            return await RefusedAsync(stored, ex, intentKey, cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            LogUnavailable(logger, model.XcnUserId, clientAwardId, "intent", ex.Reason);
            await SettleAsync(stored, AwardRecordStatus.NotSent, null, null, "unavailable", ex.TraceId ?? traceId, null, intentKey, cancellationToken);
            return new AwardResult(AwardOutcome.Unavailable, text["Unavailable"]);
        }

        ownIntents.TryAdd(intent.AwardIntentId, 0);
        var commitKey = IdempotencyKeys.AwardCommit(intent.AwardIntentId);
        await SettleAsync(stored, AwardRecordStatus.Pending, intent.AwardIntentId, null, null, traceId, null, null, cancellationToken);
        Award award;
        try
        {
            award = await awards.CommitAsync(intent.AwardIntentId, commitKey, cancellationToken);
        }
        catch (RrrProblemException ex)
        {
            ownIntents.TryRemove(intent.AwardIntentId, out _);
            return await RefusedAsync(stored with { AwardIntentId = intent.AwardIntentId }, ex, commitKey, cancellationToken);
        }
        catch (RrrUnavailableException ex)
        {
            ownIntents.TryRemove(intent.AwardIntentId, out _);
            LogUnavailable(logger, model.XcnUserId, clientAwardId, "commit", ex.Reason);
            await SettleAsync(stored, AwardRecordStatus.Pending, intent.AwardIntentId, null, "unconfirmed", ex.TraceId ?? traceId, null, commitKey, cancellationToken);
            return new AwardResult(AwardOutcome.Unconfirmed, text["Unconfirmed"]);
        }

        var committed = stored with
        {
            Status = AwardRecordStatus.Committed,
            AwardIntentId = intent.AwardIntentId,
            AwardId = award.AwardId,
            FailureCode = null,
            TraceId = traceId,
            UpdatedAt = time.GetUtcNow(),
            CommittedAt = award.CommittedAt,
        };
        await SettleAsync(stored, AwardRecordStatus.Committed, intent.AwardIntentId, award.AwardId, null, traceId, award.CommittedAt, commitKey, cancellationToken);
        LogAwarded(logger, model.XcnUserId, viewerXcnUserId, award.AwardId, points);
        return Awarded(committed);
    }

    private async Task<AwardResult?> OverBudgetAsync(AwardRecord stored, CancellationToken cancellationToken)
    {
        if (await StreamAwards.LeftWhenOverBudgetAsync(history, stored, options.Value.StreamBudget, cancellationToken) is not { } left)
        {
            return null;
        }

        await SettleAsync(stored, AwardRecordStatus.Refused, null, null, StreamBudgetCode, null, null, null, cancellationToken);
        var message = text["OverBudget", Number(options.Value.StreamBudget ?? 0), Number(left)];
        return new AwardResult(AwardOutcome.Refused, message, Errors: new Dictionary<string, string[]> { [nameof(AwardRequest.Points)] = [message] });
    }

    private async Task<AwardResult> RefusedAsync(AwardRecord stored, RrrProblemException ex, string key, CancellationToken cancellationToken)
    {
        LogRefused(logger, stored.ModelXcnUserId, stored.ClientAwardId, ex.Code);
        await SettleAsync(stored, AwardRecordStatus.Refused, stored.AwardIntentId, null, ex.Code, ex.TraceId, null, key, cancellationToken);
        if (ex.Is(RrrErrorCodes.NotLinked))
        {
            // RRR writes this detail for the model to read (docs/rrr-wire.md): shown as is.
            return new AwardResult(AwardOutcome.ViewerNotLinked, string.IsNullOrWhiteSpace(ex.Detail) ? text["ViewerNotLinked"] : ex.Detail);
        }

        if (ex.Is(RrrErrorCodes.InsufficientPoints))
        {
            var available = ex.Extension("available_points") is { ValueKind: System.Text.Json.JsonValueKind.Number } value && value.TryGetInt64(out var n) ? n : (long?)null;
            var message = available is { } a
                ? text["NotEnoughPointsOf", Number(a), Number(stored.Points)]
                : text["NotEnoughPoints"];
            return new AwardResult(AwardOutcome.InsufficientPoints, message, AvailablePoints: available);
        }

        if (ex.Is(RrrErrorCodes.ValidationFailed))
        {
            return new AwardResult(AwardOutcome.Refused, text["RrrRejected", ex.Detail ?? text["RrrRejectedRule"]],
                Errors: ex.Errors.ToDictionary(e => e.Key, e => e.Value));
        }

        if (ex.Is(RrrErrorCodes.IntentExpired))
        {
            return new AwardResult(AwardOutcome.Refused, text["IntentExpired"]);
        }

        return new AwardResult(AwardOutcome.Refused, text["RrrRefused"]);
    }

    private async Task SettleAsync(
        AwardRecord stored, AwardRecordStatus status, string? intentId, string? awardId, string? failureCode, string? traceId,
        DateTimeOffset? committedAt, string? auditedKey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await history.UpdateAsync(
            new AwardUpdate(stored.ModelXcnUserId, stored.ClientAwardId, status, intentId, awardId, failureCode, traceId, now, committedAt),
            cancellationToken);
        if (auditedKey is null)
        {
            return;
        }

        // One event per attempt outcome; the id makes a repeated append of the same outcome a no-op.
        var outcome = status == AwardRecordStatus.Committed ? "committed" : failureCode ?? AwardStatusText.Of(status).ToLowerInvariant();
        await audit.AppendAsync(
            new AuditEvent(
                Id: $"award:{stored.ModelXcnUserId}:{stored.ClientAwardId}:{outcome}:{traceId}",
                OccurredAt: now,
                ActorId: stored.ModelXcnUserId,
                Kind: AuditKind,
                SubjectId: stored.ViewerXcnUserId,
                TraceId: traceId,
                IdempotencyKey: auditedKey,
                Outcome: outcome),
            cancellationToken);
    }

    private AwardResult Awarded(AwardRecord record) => new(AwardOutcome.Awarded, text["Awarded", Number(record.Points)], record);

    // Figures in the reader's format, as the words around them are in their language.
    private static string Number(long n) => n.ToString("N0", CultureInfo.CurrentCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelXcnUserId} awarded {ViewerXcnUserId} {Points} points (award {AwardId})")]
    private static partial void LogAwarded(ILogger logger, string modelXcnUserId, string viewerXcnUserId, string awardId, long points);

    [LoggerMessage(Level = LogLevel.Information, Message = "RRR refused award {ClientAwardId} of model {ModelXcnUserId}: {Code}")]
    private static partial void LogRefused(ILogger logger, string modelXcnUserId, string clientAwardId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RRR unavailable ({Reason}) at the {Step} of award {ClientAwardId} of model {ModelXcnUserId}")]
    private static partial void LogUnavailable(ILogger logger, string modelXcnUserId, string clientAwardId, string step, RrrUnavailableReason reason);
}
