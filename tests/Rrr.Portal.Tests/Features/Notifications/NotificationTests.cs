using System.Collections.Concurrent;
using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using Rrr.Core;
using Rrr.Core.Features;
using Rrr.Core.Features.Awards;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Notifications;
using Rrr.Core.Features.Webhooks;
using Rrr.Core.Rrr.Links;
using Rrr.Portal.Auth;
using Rrr.Portal.Components;
using Rrr.Portal.Features.Notifications;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Features.Wallet;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Notifications;

/// <summary>Notifications from RRR events to the bell and the inbox, over the real bus, member services and a real SQLite store.</summary>
public sealed class NotificationTests : PortalComponentTest
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempSqliteStore db = new();
    private readonly FakeTimeProvider time = new(T0);
    private readonly FakeLinksApi links = new();
    private readonly PortalEvents bus = new(NullLogger<PortalEvents>.Instance);

    public NotificationTests()
    {
        links.Links["xcn_u_1003"] = FakeLinksApi.Linked("xcn_u_1003", "rrr_m_1003");
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["XcnRooms:Rooms:0:ModelXcnUserId"] = "xcn_u_2001",
            ["XcnRooms:Rooms:0:ModelDisplayName"] = "Luna",
        }).Build());
        Services.AddSingleton<TimeProvider>(time);
        Services.AddSingleton<IRrrLinksApi>(links);
        Services.AddSingleton<ILinkSnapshotStore>(db.Store.Links);
        Services.AddSingleton<INotificationStore>(db.Store.Notifications);
        Services.AddSingleton<IAwardHistoryStore>(db.Store.Awards);
        Services.AddSingleton<IPortalEvents>(bus);
        Services.AddLogging();
        Services.AddOptions<XcnRoomOptions>().BindConfiguration(XcnRoomOptions.Section);
        Services.AddSingleton<IXcnUserNames, ConfiguredXcnRoomDirectory>();
        Services.AddSingleton<NotificationWriter>();
        Services.AddScoped<NotificationService>();
        Services.AddPortalMembers().AddRrrMembers();
        var identity = new ClaimsIdentity("test", "name", "role");
        identity.AddClaims([new Claim("name", "Oli"), new Claim("sub", "xcn_u_1003"), new Claim("role", PortalRoles.Member)]);
        SignInAs(new ClaimsPrincipal(identity));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Services.GetRequiredService<NotificationWriter>().StartAsync(Ct).GetAwaiter().GetResult();
    }

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private ISnackbar Snackbar => Services.GetRequiredService<ISnackbar>();

    private static RrrEvent AwardToOli(string id, long points, string intent = "ai_1") =>
        new(id, RrrEventTypes.TransferCompleted, null, new Dictionary<string, object?>
        {
            ["resource_type"] = "wallet", ["resource_id"] = "rrr_m_1003", ["rrr_member_id"] = "rrr_m_1003", ["counterparty_member_id"] = "rrr_m_2001",
            ["points"] = points, ["award_intent_id"] = intent, ["version"] = 5L,
        });

    private async Task StartAwardAsync(string intent) =>
        await db.Store.Awards.StartAsync(
            new AwardRecord("xcn_u_2001", "ca_" + intent, "rrr_m_2001", "xcn_u_1003", 50, "room", "stream", AwardRecordStatus.Pending, intent, null, null, null, T0, T0, null), Ct);

    private static int Count(IRenderedComponent<NotificationBell> bell) =>
        int.Parse(bell.Find("[data-testid=notification-count]").GetAttribute("data-value")!, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Rules_WordEachEventForItsRecipient_WithCodesAndOpaqueIdsOnly()
    {
        var received = NotificationRules.For(AwardToOli("evt_1", 50), "xcn_u_2001", T0)!;
        var sent = NotificationRules.For(AwardToOli("evt_2", -50) with { Data = new Dictionary<string, object?> { ["resource_type"] = "wallet", ["resource_id"] = "rrr_m_2001", ["points"] = -50L } }, null, T0)!;
        var pending = NotificationRules.For(new RrrEvent("evt_3", RrrEventTypes.PointsPosted, null, new Dictionary<string, object?>
        {
            ["resource_type"] = "wallet", ["resource_id"] = "rrr_m_1003", ["status"] = "PENDING", ["points"] = 40L,
        }), null, T0)!;
        var linked = NotificationRules.For(new RrrEvent("evt_4", RrrEventTypes.LinkUpdated, null, new Dictionary<string, object?>
        {
            ["resource_type"] = "link", ["xcn_user_id"] = "xcn_u_1002", ["status"] = "LINKED",
        }), null, T0)!;

        Assert.Equal((NotificationKinds.AwardReceived, "rrr:rrr_m_1003", "evt_1:rrr:rrr_m_1003"), (received.Kind, received.Recipient.Key, received.Id));
        Assert.Equal(new Dictionary<string, string> { ["points"] = "50", ["model_xcn_user_id"] = "xcn_u_2001" }, received.Values);
        Assert.Equal((NotificationKinds.AwardSent, "rrr:rrr_m_2001", "50"), (sent.Kind, sent.Recipient.Key, sent.Values["points"]));
        Assert.Equal(NotificationKinds.PointsPending, pending.Kind);
        Assert.Equal((NotificationKinds.LinkLinked, "xcn:xcn_u_1002"), (linked.Kind, linked.Recipient.Key));
        Assert.Null(NotificationRules.For(new RrrEvent("evt_5", RrrEventTypes.PromotionStatusChanged, null, new Dictionary<string, object?>()), null, T0));
        Assert.Equal("Luna sent you 50 points", NotificationText.Describe(received, TestLocalizer.For<NotificationWords>(), new ReaderTime(), "Luna"));
        Assert.Equal("A model sent you 50 points", NotificationText.Describe(received, TestLocalizer.For<NotificationWords>(), new ReaderTime()));
        Assert.Equal("40 points pending", NotificationText.Describe(pending, TestLocalizer.For<NotificationWords>(), new ReaderTime()));
    }

    [Fact]
    public async Task AnAwardOliReceives_IsStoredOnce_NamesTheModel_AndTheBellCountsAndToastsItLive()
    {
        await StartAwardAsync("ai_1");
        var bell = Render<NotificationBell>();
        bell.WaitForAssertion(() => Assert.Equal(0, Count(bell)));

        bus.Publish(new RrrFact(AwardToOli("evt_a", 50), Applied: true));
        bus.Publish(new RrrFact(AwardToOli("evt_a", 50), Applied: false)); // RRR delivers again: still one notification

        bell.WaitForAssertion(() => Assert.Equal(1, Count(bell)));
        bell.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Luna sent you 50 points"));
        var stored = await db.Store.Notifications.ListAsync([NotificationRecipient.RrrMember("rrr_m_1003")], 0, 10, Ct);
        var notification = Assert.Single(stored.Items);
        Assert.Equal("xcn_u_2001", notification.Values["model_xcn_user_id"]);
        Assert.Equal(1, Count(bell));
    }

    [Fact]
    public async Task WithTheBellOnThePage_ThePanelLeavesTheToastToIt()
    {
        var announcements = Services.GetRequiredService<CircuitAnnouncements>();
        Assert.False(announcements.BellAnnounces);

        var bell = Render<NotificationBell>();
        bell.WaitForAssertion(() => Assert.Equal(0, Count(bell)));

        Assert.True(announcements.BellAnnounces);
        await DisposeComponentsAsync();
        Assert.False(announcements.BellAnnounces);
    }

    [Fact]
    public void AnEventThePanelAlreadyAnnounced_CountsOnTheBell_WithoutASecondToast()
    {
        var bell = Render<NotificationBell>();
        bell.WaitForAssertion(() => Assert.Equal(0, Count(bell)));
        Assert.True(Services.GetRequiredService<CircuitAnnouncements>().TryClaim("evt_b"));

        bus.Publish(new RrrFact(AwardToOli("evt_b", 10, intent: "ai_none"), Applied: false));

        bell.WaitForAssertion(() => Assert.Equal(1, Count(bell)));
        Assert.Empty(Snackbar.ShownSnackbars);
    }

    [Fact]
    public async Task TheInbox_ListsNewestFirst_MarksOneRead_ThenAll_AndTheBellFollows()
    {
        var oli = NotificationRecipient.RrrMember("rrr_m_1003");
        await db.Store.Notifications.AddAsync(new Notification("n1", oli, NotificationKinds.PointsPosted, new Dictionary<string, string> { ["points"] = "40" }, T0), Ct);
        await db.Store.Notifications.AddAsync(new Notification("n2", oli, NotificationKinds.RedemptionReversed, new Dictionary<string, string> { ["points"] = "15" }, T0.AddMinutes(1)), Ct);
        await db.Store.Notifications.AddAsync(new Notification("n3", NotificationRecipient.RrrMember("rrr_m_1001"), NotificationKinds.PointsPosted, new Dictionary<string, string> { ["points"] = "9" }, T0), Ct);
        var bell = Render<NotificationBell>();
        var page = Render<NotificationsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=notification-row]").Count));
        Assert.Equal(["15 points released from escrow", "40 points posted"],
            page.FindAll("[data-testid=notification-text]").Select(e => e.TextContent.Trim()));
        bell.WaitForAssertion(() => Assert.Equal(2, Count(bell)));

        page.FindAll("[data-testid=notification-mark-read]")[0].Click();
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid=notifications-unread]").GetAttribute("data-value")));
        bell.WaitForAssertion(() => Assert.Equal(1, Count(bell)));

        page.Find("[data-testid=notifications-mark-all]").Click();
        page.WaitForAssertion(() => Assert.Equal("0", page.Find("[data-testid=notifications-unread]").GetAttribute("data-value")));
        bell.WaitForAssertion(() => Assert.Equal(0, Count(bell)));
        Assert.All(page.FindAll("[data-testid=notification-row]"), row => Assert.Equal("true", row.GetAttribute("data-read")));
        Assert.Equal(1, await db.Store.Notifications.CountUnreadAsync([NotificationRecipient.RrrMember("rrr_m_1001")], Ct));
    }

    [Fact]
    public async Task InSpanish_TheInboxAndTheBell_SpeakSpanish_WithSpanishNumbersAndDates()
    {
        UseCulture("es");
        var oli = NotificationRecipient.RrrMember("rrr_m_1003");
        await db.Store.Notifications.AddAsync(new Notification("n1", oli, NotificationKinds.PointsPosted, new Dictionary<string, string> { ["points"] = "1250" }, T0), Ct);
        await db.Store.Notifications.AddAsync(new Notification("n2", oli, NotificationKinds.PointsExpiring,
            new Dictionary<string, string> { ["points"] = "300", ["expires_at"] = "2026-12-21T00:00:00Z" }, T0.AddMinutes(1)), Ct);
        await db.Store.Notifications.AddAsync(new Notification("n3", oli, NotificationKinds.AwardReceived,
            new Dictionary<string, string> { ["points"] = "50", ["model_xcn_user_id"] = "xcn_u_2001" }, T0.AddMinutes(2)), Ct);
        var bell = Render<NotificationBell>();
        var page = Render<NotificationsPage>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=notification-row]").Count));
        Assert.Equal(["Luna te envió 50 puntos", "300 puntos caducan el 21 dic 2026", "1.250 puntos abonados"],
            page.FindAll("[data-testid=notification-text]").Select(e => e.TextContent.Trim()));
        Assert.Equal("3 sin leer.", page.Find("[data-testid=notifications-unread]").TextContent.Trim());
        Assert.Contains("1 mar 2026, 12:02 UTC", page.Find("[data-testid=notification-row]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Marcar todo como leído", page.Find("[data-testid=notifications-mark-all]").TextContent.Trim());
        Assert.Equal("Marcar como leída: Luna te envió 50 puntos", page.Find("[data-testid=notification-mark-read]").GetAttribute("aria-label"));
        bell.WaitForAssertion(() => Assert.Equal("Notificaciones, 3 sin leer", bell.Find("[data-testid=notification-bell]").GetAttribute("aria-label")));
    }

    [Fact]
    public void TheBell_SaysHowManyAreUnread_InItsName()
    {
        var bell = Render<NotificationBell>();
        bell.WaitForAssertion(() => Assert.Equal("true", bell.Find("[data-testid=notification-count]").GetAttribute("data-counted")));
        Assert.Equal("Notifications", bell.Find("[data-testid=notification-bell]").GetAttribute("aria-label"));

        bus.Publish(new RrrFact(AwardToOli("evt_c", 10, intent: "ai_none"), Applied: true));

        bell.WaitForAssertion(() => Assert.Equal("Notifications, 1 unread", bell.Find("[data-testid=notification-bell]").GetAttribute("aria-label")));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            db.Dispose();
        }
    }
}
