using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Notifications;
using Rrr.Portal.Components;
using Rrr.Portal.Features.Notifications;
using Rrr.Portal.Tests.Features.Approvals;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Notifications;

/// <summary>Admins hear about approval work: the engine's changes on the bus, the notifier, a real SQLite store.</summary>
public sealed class ApprovalNotifierTests : ApprovalTestBase
{
    private static readonly string[] Admins = ["ada", "grace", "hugo"];

    private async Task<(ApprovalEngine Engine, ApprovalNotifier Notifier, ServiceProvider Services)> StartAsync()
    {
        var engine = Engine();
        var options = new XcnAdminOptions();
        foreach (var admin in Admins)
        {
            options.AdminIds.Add(admin);
        }

        var services = new ServiceCollection()
            .AddSingleton(engine)
            .AddSingleton<INotificationStore>(Ports.Notifications)
            .AddSingleton<IXcnAdminDirectory>(new ConfiguredXcnAdminDirectory(Options.Create(options)))
            .BuildServiceProvider();
        var notifier = new ApprovalNotifier(Bus, services, Time, NullLogger<ApprovalNotifier>.Instance);
        await notifier.StartAsync(Ct);
        return (engine, notifier, services);
    }

    private async Task<IReadOnlyList<Notification>> InboxAsync(string admin, int expected)
    {
        // The notifier works in the background: wait for what it is expected to have stored.
        for (var i = 0; i < 200; i++)
        {
            var page = await Ports.Notifications.ListAsync([NotificationRecipient.Admin(admin)], 0, 50, Ct);
            if (page.Items.Count >= expected)
            {
                return page.Items;
            }

            await Task.Delay(25, Ct);
        }

        return (await Ports.Notifications.ListAsync([NotificationRecipient.Admin(admin)], 0, 50, Ct)).Items;
    }

    [Fact]
    public async Task ANewRequest_WaitsForEveryAdminButItsMaker_AndTheMakerHearsTheDecision()
    {
        var (engine, notifier, services) = await StartAsync();
        await using var _ = services;
        var added = new List<NotificationAdded>();
        using var follow = Bus.Subscribe(NotificationAdded.For(NotificationRecipient.Admin("grace")), added.Add);

        var request = await NewRequestAsync(engine, maker: "ada");
        var graceWaits = Assert.Single(await InboxAsync("grace", 1));
        Assert.Single(await InboxAsync("hugo", 1));
        Assert.Empty(await InboxAsync("ada", 0));
        Assert.Equal(NotificationKinds.ApprovalWaiting, graceWaits.Kind);
        Assert.Equal(
            new Dictionary<string, string> { ["request_kind"] = "adjustment", ["request_id"] = request.Request.Id, ["subject_id"] = "xcn_u_1001" },
            graceWaits.Values);
        Assert.Equal("An adjustment request waits for your approval", NotificationText.Describe(graceWaits, TestLocalizer.For<NotificationWords>(), new ReaderTime()));
        Assert.Equal("admin/approvals", NotificationText.Href(graceWaits));

        await engine.ApproveAsync(request.Request.Id, "grace", 1, Ct);
        await engine.ApproveAsync(request.Request.Id, "hugo", 1, Ct);

        var decided = Assert.Single(await InboxAsync("ada", 1));
        Assert.Equal((NotificationKinds.ApprovalDecided, "approved"), (decided.Kind, decided.Values["decision"]));
        Assert.Equal("Your adjustment request was approved", NotificationText.Describe(decided, TestLocalizer.For<NotificationWords>(), new ReaderTime()));
        Assert.Equal("admin/adjustments?request=" + request.Request.Id, NotificationText.Href(decided));
        Assert.Single(await InboxAsync("grace", 1)); // an approval while still pending tells nobody anything new
        Assert.Single(added);
        await notifier.StopAsync(Ct);
    }

    [Fact]
    public async Task AnEdit_AsksAgain_OnlyThoseWhoHaveNotApprovedTheNewVersion_AndARejectionReachesTheMakerWithoutItsReason()
    {
        var (engine, notifier, services) = await StartAsync();
        await using var _ = services;
        var request = await NewRequestAsync(engine, maker: "ada");
        await InboxAsync("grace", 1);
        await engine.ApproveAsync(request.Request.Id, "grace", 1, Ct);

        await engine.EditAsync(request.Request.Id, "ada", 1, """{"points":250}""", Two, Ct);

        Assert.Equal(2, (await InboxAsync("grace", 2)).Count); // the edit voided grace's approval: asked again
        await engine.RejectAsync(request.Request.Id, "hugo", "Ticket 4411 says 25, not 250", Ct);
        var rejected = Assert.Single(await InboxAsync("ada", 1));
        Assert.Equal("Your adjustment request was rejected", NotificationText.Describe(rejected, TestLocalizer.For<NotificationWords>(), new ReaderTime()));
        Assert.DoesNotContain(rejected.Values.Values, v => v.Contains("4411", StringComparison.Ordinal));
        await notifier.StopAsync(Ct);
    }

    [Fact]
    public void APromotionDecision_LinksToThatPromotion()
    {
        var decided = new Notification("n1", NotificationRecipient.Admin("ada"), NotificationKinds.ApprovalDecided,
            new Dictionary<string, string> { ["request_kind"] = "promotion", ["subject_id"] = "promo_1", ["decision"] = "rejected" }, T0);

        Assert.Equal("Your promotion was rejected", NotificationText.Describe(decided, TestLocalizer.For<NotificationWords>(), new ReaderTime()));
        Assert.Equal("admin/promotions/promo_1", NotificationText.Href(decided));
    }
}
