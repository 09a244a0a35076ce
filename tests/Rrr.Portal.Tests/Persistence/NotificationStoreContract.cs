using Rrr.Core.Features.Notifications;
using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>
/// Behaviour every adapter's notifications must share: insert-once by id, a reader's keys listed newest first
/// with ties by id, read marks only by an owning recipient, and the purge by creation time.
/// </summary>
public abstract class NotificationStoreContract<TAdapter> : IAsyncLifetime
    where TAdapter : StoreAdapter, new()
{
    // Milliseconds on purpose: both adapters store milliseconds, and every time here must come back as it went in.
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, 250, TimeSpan.Zero);

    private static readonly NotificationRecipient Member = NotificationRecipient.RrrMember("rrr_m_1");
    private static readonly NotificationRecipient User = NotificationRecipient.XcnUser("xcn_u_1");
    private static readonly NotificationRecipient Other = NotificationRecipient.RrrMember("rrr_m_2");

    // A key that starts like Member's: a match must be on the whole key.
    private static readonly NotificationRecipient Longer = NotificationRecipient.RrrMember("rrr_m_10");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected PortalStores OpenStore() => Adapter.Open();

    /// <summary>This test's storage on the adapter under test.</summary>
    protected TAdapter Adapter { get; } = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<INotificationStore> ReadyAsync()
    {
        var store = OpenStore();
        await store.Lifecycle.InitializeAsync(Ct);
        return store.Notifications;
    }

    private static Notification Note(string id, NotificationRecipient recipient, DateTimeOffset createdAt, DateTimeOffset? readAt = null) =>
        new(id, recipient, NotificationKinds.PointsPosted, new Dictionary<string, string> { ["points"] = "120" }, createdAt, readAt);

    private static async Task AddAllAsync(INotificationStore store, params Notification[] notifications)
    {
        foreach (var notification in notifications)
        {
            Assert.True(await store.AddAsync(notification, Ct));
        }
    }

    private static async Task<List<string>> IdsAsync(INotificationStore store, NotificationRecipient[] recipients, int skip = 0, int take = 50) =>
        [.. (await store.ListAsync(recipients, skip, take, Ct)).Items.Select(n => n.Id)];

    /// <summary>Member's page as its ids, and "+more" when HasMore says there are more.</summary>
    private static async Task<string> PageAsync(INotificationStore store, int skip, int take)
    {
        var page = await store.ListAsync([Member], skip, take, Ct);
        return string.Join(" ", page.Items.Select(n => n.Id).Append(page.HasMore ? "+more" : "")).Trim();
    }

    // The record holds a dictionary, which compares by reference: the values are compared apart, by content.
    private static void AssertSame(Notification expected, Notification actual)
    {
        Assert.Equal(expected with { Values = actual.Values }, actual);
        Assert.Equal(expected.Values.OrderBy(v => v.Key, StringComparer.Ordinal), actual.Values.OrderBy(v => v.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Add_ThenList_RoundTripsEveryField()
    {
        var store = await ReadyAsync();
        var posted = new Notification(
            "ntf_evt_1_rrr_m_1",
            Member,
            NotificationKinds.PointsExpiring,
            new Dictionary<string, string>
            {
                ["points"] = "1200",
                ["expires_at"] = "2026-04-01T00:00:00Z",
                ["counterparty_member_id"] = "rrr_m_9 \"quoted\" é",
            },
            T0);
        var alreadyRead = Note("ntf_evt_0_rrr_m_1", Member, T0.AddMilliseconds(-1), readAt: T0.AddMilliseconds(7));

        Assert.True(await store.AddAsync(posted, Ct));
        Assert.True(await store.AddAsync(alreadyRead, Ct));

        var page = await OpenStore().Notifications.ListAsync([Member], 0, 10, Ct);
        Assert.Equal((2, 1, false), (page.Items.Count, page.Unread, page.HasMore));
        AssertSame(posted, page.Items[0]);
        AssertSame(alreadyRead, page.Items[1]);
        Assert.Null(page.Items[0].ReadAt);
        Assert.False(page.Items[0].IsRead);
    }

    [Fact]
    public async Task Add_TheSameIdTwice_StoresOne_AndTheSecondAddIsFalse()
    {
        var store = await ReadyAsync();
        var first = Note("ntf_1", Member, T0);
        Assert.True(await store.AddAsync(first, Ct));

        var again = await OpenStore().Notifications.AddAsync(
            first with { Kind = NotificationKinds.PointsReversed, Values = new Dictionary<string, string>(), CreatedAt = T0.AddMinutes(1) }, Ct);

        Assert.False(again);
        var page = await store.ListAsync([Member], 0, 10, Ct);
        AssertSame(first, Assert.Single(page.Items));
        Assert.Equal(1, page.Unread);
    }

    [Fact]
    public async Task List_IsNewestFirst_TiesByIdDescending_AndPagesWithSkipTakeAndHasMore()
    {
        var store = await ReadyAsync();

        // Added out of order, with two pairs created in the same millisecond.
        await AddAllAsync(
            store,
            Note("ntf_b", Member, T0.AddMilliseconds(5)),
            Note("ntf_e", Member, T0),
            Note("ntf_a", Member, T0.AddMilliseconds(9)),
            Note("ntf_c", Member, T0.AddMilliseconds(5)),
            Note("ntf_d", Member, T0.AddMilliseconds(9)));

        Assert.Equal(["ntf_d", "ntf_a", "ntf_c", "ntf_b", "ntf_e"], await IdsAsync(store, [Member]));
        Assert.Equal("ntf_d ntf_a +more", await PageAsync(store, 0, 2));
        Assert.Equal("ntf_c ntf_b +more", await PageAsync(store, 2, 2));
        Assert.Equal("ntf_e", await PageAsync(store, 4, 2));
        Assert.Equal("ntf_b ntf_e", await PageAsync(store, 3, 2));
        Assert.Equal("", await PageAsync(store, 5, 2));
        Assert.Equal(5, (await store.ListAsync([Member], 5, 2, Ct)).Unread);
    }

    [Fact]
    public async Task ListAndUnreadCount_SpanTheGivenRecipients_AndNeverShowAnothers()
    {
        var store = await ReadyAsync();
        await AddAllAsync(
            store,
            Note("ntf_m_1", Member, T0),
            Note("ntf_u_1", User, T0.AddMilliseconds(1)),
            Note("ntf_o_1", Other, T0.AddMilliseconds(2)),
            Note("ntf_m_2", Member, T0.AddMilliseconds(3)),
            Note("ntf_l_1", Longer, T0.AddMilliseconds(4)),
            Note("ntf_o_2", Other, T0.AddMilliseconds(5), readAt: T0.AddMinutes(1)));

        var page = await store.ListAsync([Member, User], 0, 10, Ct);

        Assert.Equal(["ntf_m_2", "ntf_u_1", "ntf_m_1"], page.Items.Select(n => n.Id));
        Assert.All(page.Items, n => Assert.Contains(n.Recipient, new[] { Member, User }));
        Assert.Equal((3, false), (page.Unread, page.HasMore));
        Assert.Equal(3, await store.CountUnreadAsync([Member, User], Ct));
        Assert.Equal(["ntf_m_2", "ntf_m_1"], await IdsAsync(store, [Member]));
        Assert.Equal(["ntf_o_2", "ntf_o_1"], await IdsAsync(store, [Other]));
        Assert.Equal(1, await store.CountUnreadAsync([Other], Ct));
        Assert.Equal(1, await store.CountUnreadAsync([Longer], Ct));
        Assert.Equal(0, await store.CountUnreadAsync([NotificationRecipient.Admin("adm_1")], Ct));
        Assert.Equal(0, await store.CountUnreadAsync([], Ct));
        var none = await store.ListAsync([], 0, 10, Ct);
        Assert.Equal((0, 0, false), (none.Items.Count, none.Unread, none.HasMore));
    }

    [Fact]
    public async Task MarkRead_ChangesOnlyAnUnreadNotificationOfAnOwningRecipient()
    {
        var store = await ReadyAsync();
        await AddAllAsync(store, Note("ntf_1", Member, T0), Note("ntf_2", Member, T0.AddMilliseconds(1)));

        Assert.False(await store.MarkReadAsync([Other, User], "ntf_1", T0.AddMinutes(1), Ct));
        Assert.False(await store.MarkReadAsync([Member], "ntf_missing", T0.AddMinutes(1), Ct));
        Assert.Equal(2, await store.CountUnreadAsync([Member], Ct));

        Assert.True(await store.MarkReadAsync([User, Member], "ntf_1", T0.AddMinutes(2), Ct));
        Assert.False(await store.MarkReadAsync([Member], "ntf_1", T0.AddMinutes(3), Ct));

        var page = await OpenStore().Notifications.ListAsync([Member], 0, 10, Ct);
        Assert.Equal([null, T0.AddMinutes(2)], page.Items.Select(n => n.ReadAt));
        Assert.Equal(1, page.Unread);
        Assert.Equal(1, await store.CountUnreadAsync([Member], Ct));
    }

    [Fact]
    public async Task MarkAllRead_CountsWhatChanged_SetsReadAt_AndLeavesOtherRecipientsAndEarlierReadsAlone()
    {
        var store = await ReadyAsync();
        await AddAllAsync(
            store,
            Note("ntf_m_1", Member, T0),
            Note("ntf_m_2", Member, T0.AddMilliseconds(1), readAt: T0.AddMinutes(1)),
            Note("ntf_u_1", User, T0.AddMilliseconds(2)),
            Note("ntf_o_1", Other, T0.AddMilliseconds(3)));

        Assert.Equal(2, await store.MarkAllReadAsync([Member, User], T0.AddMinutes(5), Ct));
        Assert.Equal(0, await store.MarkAllReadAsync([Member, User], T0.AddMinutes(6), Ct));
        Assert.Equal(0, await store.MarkAllReadAsync([], T0.AddMinutes(6), Ct));

        var page = await store.ListAsync([Member, User], 0, 10, Ct);
        Assert.Equal(
            [("ntf_u_1", T0.AddMinutes(5)), ("ntf_m_2", T0.AddMinutes(1)), ("ntf_m_1", T0.AddMinutes(5))],
            page.Items.Select(n => (n.Id, n.ReadAt!.Value)));
        Assert.Equal(0, page.Unread);
        Assert.Equal(0, await store.CountUnreadAsync([Member, User], Ct));
        Assert.Equal(1, await store.CountUnreadAsync([Other], Ct));
    }

    [Fact]
    public async Task Purge_RemovesOnlyThoseCreatedBeforeTheCutoff_ReadOrNot_AndCountsThem()
    {
        var store = await ReadyAsync();
        var cutoff = T0.AddDays(90);
        await AddAllAsync(
            store,
            Note("ntf_old_1", Member, T0),
            Note("ntf_old_2", Other, cutoff.AddMilliseconds(-1), readAt: cutoff),
            Note("ntf_at_cutoff", Member, cutoff),
            Note("ntf_new", User, cutoff.AddDays(1)));

        Assert.Equal(2, await store.PurgeAsync(cutoff, Ct));
        Assert.Equal(0, await store.PurgeAsync(cutoff, Ct));

        Assert.Equal(["ntf_new", "ntf_at_cutoff"], await IdsAsync(store, [Member, User, Other]));
        Assert.True(await store.AddAsync(Note("ntf_old_1", Member, T0), Ct));
    }

    [Fact]
    public async Task ASecondInstance_SeesWhatTheFirstWrote()
    {
        var first = await ReadyAsync();
        var second = OpenStore().Notifications;
        await AddAllAsync(first, Note("ntf_1", Member, T0), Note("ntf_2", User, T0.AddMilliseconds(1)));

        Assert.True(await second.MarkReadAsync([Member], "ntf_1", T0.AddMinutes(1), Ct));
        Assert.False(await second.AddAsync(Note("ntf_2", User, T0), Ct));

        var page = await first.ListAsync([Member, User], 0, 10, Ct);
        Assert.Equal([("ntf_2", (DateTimeOffset?)null), ("ntf_1", T0.AddMinutes(1))], page.Items.Select(n => (n.Id, n.ReadAt)));
        Assert.Equal(1, await first.CountUnreadAsync([Member, User], Ct));
        Assert.Equal(1, await second.MarkAllReadAsync([User], T0.AddMinutes(2), Ct));
        Assert.Equal(0, await first.CountUnreadAsync([Member, User], Ct));
    }
}
