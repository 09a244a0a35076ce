namespace Rrr.Core.Features.Notifications;

/// <summary>
/// Tells admins about approval work: every XCN admin who may approve a request (not its maker, not one who approved
/// this version already) when it is made or edited, and the maker when it is decided. Ids derive from the request,
/// its version and the admin, so a replayed change adds nothing. Values are codes and opaque ids (never the reason
/// text, which is free text); the words are made when shown.
/// </summary>
public sealed partial class ApprovalNotifier(IPortalEvents events, IServiceProvider services, TimeProvider time, ILogger<ApprovalNotifier> logger)
    : BusListener<ApprovalChanged>(events, logger)
{
    protected override IEnumerable<IDisposable> Subscribe(IPortalEvents bus) => [bus.Subscribe(ApprovalChanged.Any, Enqueue)];

    protected override async Task HandleAsync(IReadOnlyList<ApprovalChanged> batch, CancellationToken cancellationToken)
    {
        var engine = services.GetRequiredService<ApprovalEngine>();
        var inbox = services.GetRequiredService<INotificationStore>();
        var admins = await services.GetRequiredService<IXcnAdminDirectory>().ListAdminIdsAsync(cancellationToken);
        foreach (var change in batch)
        {
            var view = await engine.GetAsync(change.RequestId, cancellationToken);
            foreach (var notification in ApprovalNotifications.For(view, change.Action, admins, time.GetUtcNow()))
            {
                if (await inbox.AddAsync(notification, cancellationToken))
                {
                    LogStored(Logger, notification.Id, notification.Kind);
                    Events.Publish(new NotificationAdded(notification.Recipient, notification, SourceEventId: null));
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Notification {NotificationId} ({Kind}) stored")]
    private static partial void LogStored(ILogger logger, string notificationId, string kind);
}

/// <summary>Which notifications one approval change makes.</summary>
public static class ApprovalNotifications
{
    public static IEnumerable<Notification> For(ApprovalView view, ApprovalAction action, IReadOnlyList<string> adminIds, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(adminIds);
        var request = view.Request;
        var status = request.StatusAt(now);
        if (status == ApprovalStatus.Pending && action is ApprovalAction.Requested or ApprovalAction.Edited)
        {
            var approved = view.CurrentApprovals.Select(a => a.ActorId).ToHashSet(StringComparer.Ordinal);
            foreach (var admin in adminIds.Where(a => a != request.MakerId && !approved.Contains(a)))
            {
                var to = NotificationRecipient.Admin(admin);
                yield return new Notification(
                    string.Create(CultureInfo.InvariantCulture, $"approval:{request.Id}:v{request.PayloadVersion}:{to.Key}"),
                    to, NotificationKinds.ApprovalWaiting, Values(request, null), now);
            }
        }
        else if (action is ApprovalAction.Approved or ApprovalAction.Rejected && status is ApprovalStatus.Approved or ApprovalStatus.Rejected)
        {
            var decision = status == ApprovalStatus.Approved ? "approved" : "rejected";
            var maker = NotificationRecipient.Admin(request.MakerId);
            yield return new Notification($"approval:{request.Id}:{decision}:{maker.Key}", maker, NotificationKinds.ApprovalDecided, Values(request, decision), now);
        }
    }

    private static Dictionary<string, string> Values(ApprovalRequest request, string? decision)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["request_kind"] = request.Kind,
            ["request_id"] = request.Id,
            ["subject_id"] = request.SubjectId,
        };
        if (decision is not null)
        {
            values["decision"] = decision;
        }

        return values;
    }
}
