namespace Rrr.Core.Features.Notifications;

/// <summary>What one reminder walk did: members asked about, reminders stored, members RRR could not say about.</summary>
public sealed record ExpiryReminderRun(int Members, int Reminded, int NotAnswered, bool StoppedByOutage);

/// <summary>
/// Turns RRR's <c>expiring_soon</c> lots into reminders ("300 points expire on 21 Dec"). It walks the members the
/// portal holds a wallet for, asks RRR for each wallet now (a stored copy can be weeks old), and stores one
/// notification per batch of points expiring within <see cref="NotificationOptions.ExpiryLead"/>. The id is the
/// member and the batch's expiry time, so a second walk (tomorrow's, another instance's, a retry) adds nothing,
/// and a batch partly spent since is still the same reminder. When RRR is down the walk stops and waits for the next one.
/// </summary>
public sealed partial class ExpiryReminders(
    IServiceProvider services, IPortalEvents events, IOptions<NotificationOptions> options, TimeProvider time, ILogger<ExpiryReminders> logger)
{
    /// <summary>Members read from the store per page.</summary>
    public const int PageSize = 200;

    public async Task<ExpiryReminderRun> RunOnceAsync(CancellationToken cancellationToken)
    {
        // Resolved per walk, after start-up validation: the store and the RRR client are the host's.
        var members = services.GetRequiredService<IWalletSnapshotStore>();
        var rrr = services.GetRequiredService<IRrrWalletApi>();
        var inbox = services.GetRequiredService<INotificationStore>();
        int asked = 0, reminded = 0, notAnswered = 0;
        string? after = null;
        while (true)
        {
            var page = await members.ListMembersAsync(after, PageSize, cancellationToken);
            foreach (var rrrMemberId in page)
            {
                asked++;
                MemberWallet wallet;
                try
                {
                    wallet = await rrr.GetWalletAsync(rrrMemberId, cancellationToken);
                }
                catch (RrrUnavailableException)
                {
                    LogStopped(logger, asked, reminded);
                    return new ExpiryReminderRun(asked, reminded, notAnswered + 1, StoppedByOutage: true);
                }
                catch (RrrProblemException ex)
                {
                    // A member RRR no longer knows (closed, unlinked): nothing to remind them of.
                    LogRefused(logger, rrrMemberId, ex.Code);
                    notAnswered++;
                    continue;
                }

                await members.RememberAsync(WalletSnapshot.Of(wallet, time.GetUtcNow()), cancellationToken);
                reminded += await RemindAsync(inbox, wallet, cancellationToken);
            }

            if (page.Count < PageSize)
            {
                LogWalked(logger, asked, reminded);
                return new ExpiryReminderRun(asked, reminded, notAnswered, StoppedByOutage: false);
            }

            after = page[^1];
        }
    }

    private async Task<int> RemindAsync(INotificationStore inbox, MemberWallet wallet, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var recipient = NotificationRecipient.RrrMember(wallet.RrrMemberId);
        var stored = 0;
        foreach (var batch in wallet.ExpiringSoon.Where(b => b.Points > 0 && b.ExpiresAt > now && b.ExpiresAt <= now + options.Value.ExpiryLead))
        {
            var reminder = For(recipient, batch, now);
            if (await inbox.AddAsync(reminder, cancellationToken))
            {
                stored++;
                events.Publish(new NotificationAdded(recipient, reminder, SourceEventId: null));
            }
        }

        return stored;
    }

    /// <summary>The reminder of one batch: its id is the member and the batch's expiry instant, never the points left in it.</summary>
    internal static Notification For(NotificationRecipient recipient, ExpiringPoints batch, DateTimeOffset now) => new(
        string.Create(CultureInfo.InvariantCulture, $"expiring:{recipient.Key}:{batch.ExpiresAt.ToUnixTimeMilliseconds()}"),
        recipient,
        NotificationKinds.PointsExpiring,
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["points"] = batch.Points.ToString(CultureInfo.InvariantCulture),
            ["expires_at"] = batch.ExpiresAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        },
        now);

    [LoggerMessage(Level = LogLevel.Information, Message = "Expiry reminders: {Members} members asked, {Reminded} reminders stored")]
    private static partial void LogWalked(ILogger logger, int members, int reminded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Expiry reminders stopped after {Members} members ({Reminded} stored): RRR is unavailable; the next walk tries again")]
    private static partial void LogStopped(ILogger logger, int members, int reminded);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Expiry reminders: RRR refused the wallet of {RrrMemberId} ({Code})")]
    private static partial void LogRefused(ILogger logger, string rrrMemberId, string code);
}

/// <summary>Runs <see cref="ExpiryReminders"/> every <see cref="NotificationOptions.ReminderInterval"/> (hosted).</summary>
public sealed partial class ExpiryReminderJob(ExpiryReminders reminders, IOptions<NotificationOptions> options, TimeProvider time, ILogger<ExpiryReminderJob> logger)
    : BackgroundService
{
    private readonly ExpiryReminderSignal signal = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        try
        {
            // Started hosts first: the store, the RRR client (the in-process sandbox in Development) are ready by then.
            await Task.Delay(settings.ReminderStartDelay, time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await signal.RunAsync(
            async ct => await reminders.RunOnceAsync(ct), settings.ReminderInterval, time, ex => LogFailed(logger, ex.GetType().Name), stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Expiry reminders failed ({ErrorClass}); trying again next time")]
    private static partial void LogFailed(ILogger logger, string errorClass);
}

/// <summary>The reminder loop's wake-up handle (the interval wakes it; an operator's run goes through the endpoint).</summary>
public sealed class ExpiryReminderSignal : WakeSignal;
