using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Notifications;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Rrr.Wallet;
using Rrr.Portal.Components;
using Rrr.Portal.Features.Notifications;
using Rrr.Portal.Tests.Features.Wallet;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Notifications;

/// <summary>The daily expiry reminders over a real SQLite store and a fake RRR wallet API.</summary>
public sealed class ExpiryReminderTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TempSqliteStore db = new();
    private readonly FakeTimeProvider time = new(T0);
    private readonly FakeWalletApi rrr = new();
    private readonly PortalEvents bus = new(NullLogger<PortalEvents>.Instance);
    private readonly ServiceProvider services;

    public ExpiryReminderTests()
    {
        services = new ServiceCollection()
            .AddSingleton<IWalletSnapshotStore>(db.Store.Wallets)
            .AddSingleton<INotificationStore>(db.Store.Notifications)
            .AddSingleton<IRrrWalletApi>(rrr)
            .BuildServiceProvider();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ExpiryReminders Reminders(TimeSpan? lead = null) => new(
        services, bus, Options.Create(new NotificationOptions { ExpiryLead = lead ?? TimeSpan.FromDays(30) }), time, NullLogger<ExpiryReminders>.Instance);

    private async Task KnownMemberAsync(string rrrMemberId, params ExpiringPoints[] expiring)
    {
        var wallet = FakeWalletApi.Wallet(rrrMemberId, 500, 1, T0, expiring: expiring);
        rrr.Wallets[rrrMemberId] = wallet;
        await db.Store.Wallets.SaveWalletSnapshotAsync(WalletSnapshot.Of(wallet with { ExpiringSoon = [] }, T0.AddDays(-20)), Ct);
    }

    private async Task<IReadOnlyList<Notification>> InboxAsync(string rrrMemberId) =>
        (await db.Store.Notifications.ListAsync([NotificationRecipient.RrrMember(rrrMemberId)], 0, 50, Ct)).Items;

    [Fact]
    public async Task AnExpiringBatch_IsRemindedOnce_HoweverOftenTheWalkRuns()
    {
        var expires = T0.AddDays(20);
        await KnownMemberAsync("rrr_m_1", new ExpiringPoints(300, expires));
        var added = new List<NotificationAdded>();
        using var _ = bus.Subscribe(NotificationAdded.For(NotificationRecipient.RrrMember("rrr_m_1")), added.Add);

        var first = await Reminders().RunOnceAsync(Ct);
        var second = await Reminders().RunOnceAsync(Ct);

        Assert.Equal(new ExpiryReminderRun(1, 1, 0, false), first);
        Assert.Equal(new ExpiryReminderRun(1, 0, 0, false), second);
        var reminder = Assert.Single(await InboxAsync("rrr_m_1"));
        Assert.Equal(NotificationKinds.PointsExpiring, reminder.Kind);
        Assert.Equal("300", reminder.Values["points"]);
        Assert.Equal(expires, DateTimeOffset.Parse(reminder.Values["expires_at"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("300 points expire on 21 Dec 2026", NotificationText.Describe(reminder, TestLocalizer.For<NotificationWords>(), new ReaderTime()));
        Assert.Single(added); // told live once, to the member's open pages
    }

    [Fact]
    public async Task ABatchPartlySpent_IsStillTheSameReminder_AndANewBatchIsItsOwn()
    {
        var expires = T0.AddDays(10);
        await KnownMemberAsync("rrr_m_1", new ExpiringPoints(300, expires));
        await Reminders().RunOnceAsync(Ct);

        rrr.Wallets["rrr_m_1"] = FakeWalletApi.Wallet("rrr_m_1", 200, 2, T0, expiring: [new ExpiringPoints(120, expires), new ExpiringPoints(40, T0.AddDays(25))]);
        var run = await Reminders().RunOnceAsync(Ct);

        Assert.Equal(1, run.Reminded);
        Assert.Equal(["300", "40"], (await InboxAsync("rrr_m_1")).Select(n => n.Values["points"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OnlyBatchesWithinTheLead_AreReminded_AndTheWalletReadIsKept()
    {
        await KnownMemberAsync("rrr_m_1", new ExpiringPoints(50, T0.AddDays(3)), new ExpiringPoints(70, T0.AddDays(9)), new ExpiringPoints(90, T0.AddHours(-1)));

        var run = await Reminders(lead: TimeSpan.FromDays(7)).RunOnceAsync(Ct);

        Assert.Equal(1, run.Reminded);
        Assert.Equal("50", Assert.Single(await InboxAsync("rrr_m_1")).Values["points"]);
        var kept = await db.Store.Wallets.GetWalletSnapshotAsync("rrr_m_1", Ct);
        Assert.Equal(3, kept!.ToWallet().ExpiringSoon.Count); // RRR's answer of this walk, not the weeks-old copy
    }

    [Fact]
    public async Task EveryKnownMemberIsWalked_AcrossStorePages()
    {
        for (var i = 0; i < ExpiryReminders.PageSize + 5; i++)
        {
            await KnownMemberAsync($"rrr_m_{i:D4}", new ExpiringPoints(10, T0.AddDays(5)));
        }

        var run = await Reminders().RunOnceAsync(Ct);

        Assert.Equal((ExpiryReminders.PageSize + 5, ExpiryReminders.PageSize + 5), (run.Members, run.Reminded));
        Assert.Single(await InboxAsync($"rrr_m_{ExpiryReminders.PageSize + 4:D4}"));
    }

    [Fact]
    public async Task WhenRrrIsDown_TheWalkStops_AndTheNextOneCatchesUp()
    {
        await KnownMemberAsync("rrr_m_1", new ExpiringPoints(300, T0.AddDays(5)));
        await KnownMemberAsync("rrr_m_2", new ExpiringPoints(30, T0.AddDays(5)));
        rrr.Down = true;

        var down = await Reminders().RunOnceAsync(Ct);
        rrr.Down = false;
        var after = await Reminders().RunOnceAsync(Ct);

        Assert.Equal(new ExpiryReminderRun(1, 0, 1, true), down);
        Assert.Equal(new ExpiryReminderRun(2, 2, 0, false), after);
    }

    [Fact]
    public void TheOptions_RefuseANonPositiveLeadOrInterval()
    {
        Assert.True(new NotificationOptions().IsValid);
        Assert.False(new NotificationOptions { ExpiryLead = TimeSpan.Zero }.IsValid);
        Assert.False(new NotificationOptions { ReminderInterval = TimeSpan.FromSeconds(-1) }.IsValid);
    }

    public void Dispose()
    {
        services.Dispose();
        db.Dispose();
    }
}
