using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Rrr.Core;
using Rrr.Core.Features;
using Rrr.Core.Features.Awards;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Notifications;
using Rrr.Core.Features.Webhooks;
using Rrr.Core.Rrr.Links;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Awards;
using Rrr.Portal.Features.Notifications;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Awards;

/// <summary>
/// One toast per award for the model: the room's. RRR's TRANSFER_COMPLETED of an award the room announced is claimed
/// as it arrives, so the bell counts its award_sent notification without a second toast; other awards still toast.
/// Over the real bus, notification writer, bell and award service, a real SQLite store and fakes of RRR.
/// </summary>
public sealed class OwnAwardAnnouncementTests : PortalComponentTest
{
    private readonly AwardHarness h = new();
    private readonly AwardService awards;

    public OwnAwardAnnouncementTests()
    {
        awards = h.CreateService();
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["XcnRooms:Rooms:0:ModelXcnUserId"] = "xcn_u_2001",
            ["XcnRooms:Rooms:0:ModelDisplayName"] = "Luna",
        }).Build());
        Services.AddSingleton<TimeProvider>(h.Time);
        Services.AddSingleton<IRrrLinksApi>(h.Links);
        Services.AddSingleton<ILinkSnapshotStore>(h.Db.Store.Links);
        Services.AddSingleton<INotificationStore>(h.Db.Store.Notifications);
        Services.AddSingleton<IAwardHistoryStore>(h.Db.Store.Awards);
        Services.AddSingleton<IPortalEvents>(h.Notifier);
        Services.AddLogging();
        Services.AddOptions<XcnRoomOptions>().BindConfiguration(XcnRoomOptions.Section);
        Services.AddSingleton<IXcnUserNames, ConfiguredXcnRoomDirectory>();
        Services.AddSingleton<NotificationWriter>();
        Services.AddScoped<NotificationService>();
        Services.AddPortalMembers().AddRrrMembers();
        Services.AddSingleton(awards);
        var identity = new ClaimsIdentity("test", "name", "role");
        identity.AddClaims([new Claim("name", "Luna"), new Claim("sub", "xcn_u_2001"), new Claim("role", PortalRoles.Model)]);
        SignInAs(new ClaimsPrincipal(identity));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Services.GetRequiredService<NotificationWriter>().StartAsync(Ct).GetAwaiter().GetResult();
    }

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private ISnackbar Snackbar => Services.GetRequiredService<ISnackbar>();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Services.GetRequiredService<NotificationWriter>().StopAsync(CancellationToken.None).GetAwaiter().GetResult();
            awards.Dispose();
            h.Dispose();
        }
    }

    // The model's side of an award as RRR sends it: their wallet, points out.
    private static RrrFact ModelSide(string eventId, string intent) =>
        new(new RrrEvent(eventId, RrrEventTypes.TransferCompleted, null, new Dictionary<string, object?>
        {
            ["resource_type"] = "wallet", ["resource_id"] = "rrr_m_2001", ["rrr_member_id"] = "rrr_m_2001", ["counterparty_member_id"] = "rrr_m_1003",
            ["points"] = -50L, ["award_intent_id"] = intent, ["version"] = 7L,
        }), Applied: true);

    private static int Count(IRenderedComponent<NotificationBell> bell) =>
        int.Parse(bell.Find("[data-testid=notification-count]").GetAttribute("data-value")!, System.Globalization.CultureInfo.InvariantCulture);

    private IRenderedComponent<NotificationBell> OpenRoomWithBell()
    {
        var bell = Render<NotificationBell>();
        bell.WaitForAssertion(() => Assert.Equal(0, Count(bell)));
        Services.GetRequiredService<OwnAwardAnnouncements>().Follow(); // as the room does when it opens
        return bell;
    }

    private async Task<string> AwardAsync()
    {
        var result = await awards.AwardAsync(new AwardRequest(AwardService.NewClientAwardId(), "xcn_u_1003", 50), Ct);
        Assert.Equal(AwardOutcome.Awarded, result.Outcome);
        return result.Award!.AwardIntentId!;
    }

    [Fact]
    public async Task AnAwardOfThisRoom_CountsOnTheBell_WithoutTheBellsToast()
    {
        var bell = OpenRoomWithBell();
        var intent = await AwardAsync();

        h.Notifier.Publish(ModelSide("evt_award_1", intent));

        bell.WaitForAssertion(() => Assert.Equal(1, Count(bell)));
        Assert.Empty(Snackbar.ShownSnackbars);
    }

    [Fact]
    public async Task AnAwardFromAnotherTab_StillToastsOnTheBell()
    {
        var bell = OpenRoomWithBell();
        await AwardAsync();

        h.Notifier.Publish(ModelSide("evt_award_2", "ai_elsewhere"));

        bell.WaitForAssertion(() => Assert.Equal(1, Count(bell)));
        bell.WaitForAssertion(() => Assert.Single(Snackbar.ShownSnackbars));
    }

    [Fact]
    public async Task AnAwardRrrDidNotConfirmHere_IsAnnouncedByTheBell_WhenRrrCompletesIt()
    {
        var bell = OpenRoomWithBell();
        h.Awards.CommitDown = true;
        var result = await awards.AwardAsync(new AwardRequest(AwardService.NewClientAwardId(), "xcn_u_1003", 50), Ct);
        Assert.Equal(AwardOutcome.Unconfirmed, result.Outcome);

        h.Notifier.Publish(ModelSide("evt_award_3", "ai_0"));

        bell.WaitForAssertion(() => Assert.Equal(1, Count(bell)));
        bell.WaitForAssertion(() => Assert.Single(Snackbar.ShownSnackbars));
    }
}
