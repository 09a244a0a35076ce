namespace Rrr.Core.Features.Notifications;

/// <summary>
/// The signed-in member's notifications: the bell's count, the inbox, read marks. Takes no member id: the
/// recipients are the member's own keys (their XCN account, and their RRR member once linked), so a forged id
/// has nowhere to go. A model is a member here too (their awards sent); an admin reads their approval work.
/// </summary>
public sealed class NotificationService(CurrentMemberService members, IAdminIdentity admins, INotificationStore store, TimeProvider time)
{
    public const int MaxPage = 50;

    /// <summary>Raised after this circuit marked notifications read (the bell counts again).</summary>
    public event Action? ReadsChanged;

    /// <summary>The signed-in member's recipient keys (what the bell and the inbox follow and read).</summary>
    public async Task<IReadOnlyList<NotificationRecipient>> RecipientsAsync(CancellationToken cancellationToken)
    {
        if (await admins.GetAdminIdAsync(cancellationToken) is { } adminId)
        {
            return [NotificationRecipient.Admin(adminId)];
        }

        var member = await members.GetAsync(refreshLink: false, cancellationToken);
        return member.RrrMemberId is { } rrrMemberId
            ? [NotificationRecipient.XcnUser(member.XcnUserId), NotificationRecipient.RrrMember(rrrMemberId)]
            : [NotificationRecipient.XcnUser(member.XcnUserId)];
    }

    public async Task<NotificationPage> ListAsync(int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, MaxPage);
        return await store.ListAsync(await RecipientsAsync(cancellationToken), skip, take, cancellationToken);
    }

    public async Task<int> CountUnreadAsync(CancellationToken cancellationToken) =>
        await store.CountUnreadAsync(await RecipientsAsync(cancellationToken), cancellationToken);

    /// <summary>Marks one of the member's own notifications read; false when it is not theirs or was read already.</summary>
    public async Task<bool> MarkReadAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var changed = await store.MarkReadAsync(await RecipientsAsync(cancellationToken), id, time.GetUtcNow(), cancellationToken);
        if (changed)
        {
            ReadsChanged?.Invoke();
        }

        return changed;
    }

    public async Task<int> MarkAllReadAsync(CancellationToken cancellationToken)
    {
        var changed = await store.MarkAllReadAsync(await RecipientsAsync(cancellationToken), time.GetUtcNow(), cancellationToken);
        if (changed > 0)
        {
            ReadsChanged?.Invoke();
        }

        return changed;
    }
}

/// <summary>Deletes notifications past <see cref="NotificationOptions.Retention"/>, every purge interval (hosted).</summary>
public sealed partial class NotificationPurge(IServiceProvider services, IOptions<NotificationOptions> options, TimeProvider time, ILogger<NotificationPurge> logger)
    : BackgroundService
{
    // Nothing signals a purge: the loop that every background pass shares just waits out the interval.
    private readonly NotificationPurgeSignal signal = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        signal.RunAsync(PurgeOnceAsync, options.Value.PurgeInterval, time, ex => LogFailed(logger, ex.GetType().Name), stoppingToken);

    public async Task<long> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var purged = await services.GetRequiredService<INotificationStore>().PurgeAsync(time.GetUtcNow() - options.Value.Retention, cancellationToken);
        if (purged > 0)
        {
            LogPurged(logger, purged);
        }

        return purged;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} notifications past retention")]
    private static partial void LogPurged(ILogger logger, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification purge failed ({ErrorClass}); trying again next time")]
    private static partial void LogFailed(ILogger logger, string errorClass);
}

/// <summary>The purge loop's wake-up handle (it is never notified; the interval wakes it).</summary>
public sealed class NotificationPurgeSignal : WakeSignal;
