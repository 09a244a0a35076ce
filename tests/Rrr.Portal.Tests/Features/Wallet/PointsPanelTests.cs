using System.Security.Claims;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using Rrr.Core.Features;
using Rrr.Core.Features.Earn;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Members;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Features.Webhooks;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Earn;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Wallet;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Links;
using Rrr.Portal.Features.Members;
using Rrr.Portal.Features.Wallet;
using Rrr.Portal.Tests.Support;
using Rrr.Core;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Tests.Features.Wallet;

/// <summary>The points panel over the real member services, a real SQLite cache and fakes of RRR's API.</summary>
public sealed class PointsPanelTests : PortalComponentTest
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempSqliteStore db = new();
    private readonly FakeTimeProvider time = new(T0);
    private readonly FakeLinksApi links = new();
    private readonly FakeWalletApi wallets = new();
    private readonly PortalEvents notifier = new(NullLogger<PortalEvents>.Instance);

    public PointsPanelTests()
    {
        links.Links["xcn_u_1001"] = FakeLinksApi.Linked("xcn_u_1001", "rrr_m_1001");
        links.Links["xcn_u_1003"] = FakeLinksApi.Linked("xcn_u_1003", "rrr_m_1003");
        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 1250, 7, T0, pending: 40, escrow: 15,
            new ExpiringPoints(200, T0.AddDays(20)), new ExpiringPoints(100, T0.AddDays(5).AddHours(3)));
        wallets.Wallets["rrr_m_1003"] = FakeWalletApi.Wallet("rrr_m_1003", 80, 2, T0);

        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FeatureManagement:PointsPanel"] = "true",
            ["FeatureManagement:AccountLinking"] = "true",
        }).Build());
        Services.AddSingleton<TimeProvider>(time);
        Services.AddSingleton<IRrrLinksApi>(links);
        Services.AddSingleton<IRrrWalletApi>(wallets);
        Services.AddSingleton<IWalletSnapshotStore>(db.Store.Wallets);
        Services.AddSingleton<ILinkSnapshotStore>(db.Store.Links);
        Services.AddSingleton<IOpenLinkIntentStore>(db.Store.Intents);
        Services.AddSingleton<IPortalEvents>(notifier);
        Services.AddSingleton<IEarnOutbox>(db.Store.Outbox);
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new EarnOptions()));
        Services.AddSingleton<EarnSignal>();
        Services.AddSingleton<HeldEarnings>();
        Services.AddScoped<MemberHeldPoints>();
        Services.AddLogging();
        Services.AddPortalMembers().AddRrrMembers();
        Services.AddSingleton<WalletSync>();
        SignInMember("xcn_u_1001");
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        // The app runs it as a hosted service: it turns the wallet webhooks below into one RRR read for the panel.
        Services.GetRequiredService<WalletSync>().StartAsync(Xunit.TestContext.Current.CancellationToken).GetAwaiter().GetResult();
    }

    private ISnackbar Snackbar => Services.GetRequiredService<ISnackbar>();

    private void SignInMember(string sub)
    {
        var identity = new ClaimsIdentity("test", "name", "role");
        identity.AddClaim(new Claim("name", "Member " + sub));
        identity.AddClaim(new Claim("sub", sub));
        identity.AddClaim(new Claim("role", PortalRoles.Member));
        SignInAs(new ClaimsPrincipal(identity));
    }

    private static long Figure(IRenderedComponent<PointsPanel> cut, string testId) =>
        long.Parse(cut.Find($"[data-testid={testId}]").GetAttribute("data-value")!, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void WhileRrrIsAsked_ShowsTheSkeleton_ThenTheNumbers()
    {
        wallets.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var cut = Render<PointsPanel>();

        cut.WaitForElement("[data-testid=points-skeleton]");
        Assert.Empty(cut.FindAll("[data-testid=points-available]"));

        wallets.Gate.SetResult();

        cut.WaitForAssertion(() => Assert.Equal(1250, Figure(cut, "points-available")));
        Assert.Empty(cut.FindAll("[data-testid=points-skeleton]"));
    }

    [Fact]
    public void Linked_ShowsAvailablePendingEscrow_LinkStatus_AndAsOf()
    {
        var cut = Render<PointsPanel>();

        cut.WaitForAssertion(() => Assert.Equal(1250, Figure(cut, "points-available")));
        Assert.Equal(40, Figure(cut, "points-pending"));
        Assert.Equal(15, Figure(cut, "points-escrow"));
        Assert.Contains("1,250", cut.Find("[data-testid=points-available]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Linked", cut.Find("[data-testid=link-status]").GetAttribute("data-status"));
        Assert.Equal("As of 12:00 PM UTC (just now)", cut.Find("[data-testid=as-of]").TextContent.Trim().Replace('\u202F', ' '));
        Assert.Empty(cut.FindAll("[data-testid=rrr-unavailable]"));
    }

    [Fact]
    public void ATierFromRrr_IsShownAsAChip()
    {
        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 1250, 7, T0) with { Tier = "PREMIUM" };

        var cut = Render<PointsPanel>();

        cut.WaitForAssertion(() => Assert.Equal("PREMIUM member", cut.Find("[data-testid=panel-tier]").TextContent.Trim()));
        Assert.Equal("PREMIUM", cut.Find("[data-testid=panel-tier]").GetAttribute("data-tier"));
    }

    [Fact]
    public void NoTierFromRrr_ShowsNoChip()
    {
        var cut = Render<PointsPanel>();

        cut.WaitForAssertion(() => Assert.Equal(1250, Figure(cut, "points-available")));
        Assert.Empty(cut.FindAll("[data-testid=panel-tier]"));
    }

    [Fact]
    public void AWalletWebhook_BringsTheNewTier_WithoutReload()
    {
        var cut = Render<PointsPanel>();
        cut.WaitForAssertion(() => Assert.Equal(1250, Figure(cut, "points-available")));
        Assert.Empty(cut.FindAll("[data-testid=panel-tier]"));
        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 1450, 8, T0) with { Tier = "BASIC" };

        notifier.Publish(WalletEvent("evt_tier", RrrEventTypes.PointsPosted, "rrr_m_1001", points: 200, version: 8));

        cut.WaitForAssertion(() => Assert.Equal("BASIC member", cut.Find("[data-testid=panel-tier]").TextContent.Trim()));
    }

    [Fact]
    public void ExpiringSoon_IsSoonestFirst_WithAbsoluteAndRelativeDates()
    {
        var cut = Render<PointsPanel>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=expiring-item]").Count));
        var items = cut.FindAll("[data-testid=expiring-item]").Select(i => System.Text.RegularExpressions.Regex.Replace(i.TextContent, @"\s+", " ").Trim()).ToList();
        Assert.Equal("100 points expire 6 Mar 2026 (in 5 days)", items[0]);
        Assert.Equal("200 points expire 21 Mar 2026 (in 20 days)", items[1]);
    }

    [Fact]
    public async Task RrrDown_ShowsLastKnownValues_WithTheirAge()
    {
        Render<PointsPanel>().WaitForAssertion(() => Assert.Single(wallets.Asked));
        await DisposeComponentsAsync();
        time.Advance(TimeSpan.FromMinutes(12));
        links.Down = true;
        wallets.Down = true;

        var cut = Render<PointsPanel>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=rrr-unavailable]")));
        var notice = cut.Find("[data-testid=rrr-unavailable]").TextContent;
        Assert.Contains("RedRoomRewards is temporarily unavailable — showing what RRR last said 12 min ago", notice, StringComparison.Ordinal);
        Assert.Equal(1250, Figure(cut, "points-available"));
        Assert.Equal("Linked", cut.Find("[data-testid=link-status]").GetAttribute("data-status"));
        Assert.Contains("(last known)", cut.Find("[data-testid=link-status]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void RrrDown_WithNothingCached_SaysSo()
    {
        links.Down = true;

        var cut = Render<PointsPanel>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=points-no-data]")));
        Assert.Contains("no earlier answer", cut.Find("[data-testid=rrr-unavailable]").TextContent, StringComparison.Ordinal);
    }

    // The cards beside the panel: while RRR has never answered about this member's link, none of them claims "not linked".
    [Fact]
    public void RrrDown_WithNothingCached_TheAccountCardAndHistory_ClaimNoLinkStatus()
    {
        links.Down = true;

        var card = Render<RrrAccountCard>();
        var history = Render<TransactionHistory>();

        card.WaitForAssertion(() => Assert.NotEmpty(card.FindAll("[data-testid=card-link-unknown]")));
        history.WaitForAssertion(() => Assert.NotEmpty(history.FindAll("[data-testid=history-unavailable]")));
        Assert.DoesNotContain("Not linked", card.Markup, StringComparison.Ordinal);
        Assert.Empty(history.FindAll("[data-testid=history-empty]"));
        Assert.Empty(history.FindAll("[data-testid=history-unlinked]"));
    }

    [Fact]
    public async Task RrrDown_WithALinkKnownBefore_TheAccountCardSaysItIsTheLastKnown()
    {
        Render<RrrAccountCard>().WaitForAssertion(() => Assert.NotEmpty(links.Asked));
        await DisposeComponentsAsync();
        time.Advance(TimeSpan.FromMinutes(5));
        links.Down = true;

        var card = Render<RrrAccountCard>();

        card.WaitForAssertion(() => Assert.NotEmpty(card.FindAll("[data-testid=card-last-known]")));
        Assert.Equal("rrr_m_1001", card.Find("[data-testid=card-member]").TextContent);
    }

    [Fact]
    public void NotLinked_TheHistorySaysWhyItIsEmpty()
    {
        SignInMember("xcn_u_1002");

        var history = Render<TransactionHistory>();

        history.WaitForAssertion(() => Assert.NotEmpty(history.FindAll("[data-testid=history-unlinked]")));
        Assert.Empty(history.FindAll("[data-testid=history-empty]"));
    }

    [Fact]
    public void RrrBack_PanelRecoversByItself_OnTheRetryTimer()
    {
        links.Down = true;
        wallets.Down = true;
        var cut = Render<PointsPanel>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=rrr-unavailable]")));
        var asksWhileDown = links.Asked.Count;

        time.Advance(TimeSpan.FromSeconds(5)); // first retry is due after RRR's Retry-After (5 s)
        cut.WaitForAssertion(() => Assert.True(links.Asked.Count > asksWhileDown));
        Assert.NotEmpty(cut.FindAll("[data-testid=rrr-unavailable]"));

        links.Down = false;
        wallets.Down = false;
        time.Advance(TimeSpan.FromSeconds(15));

        cut.WaitForAssertion(() => Assert.Equal(1250, Figure(cut, "points-available")));
        Assert.Empty(cut.FindAll("[data-testid=rrr-unavailable]"));
    }

    [Fact]
    public void WebhookForThisMember_RefreshesWithoutReload_AndNotifies()
    {
        var cut = Render<PointsPanel>();
        cut.WaitForAssertion(() => Assert.Equal(1250, Figure(cut, "points-available")));
        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 1370, 8, T0);

        notifier.Publish(WalletEvent("evt_1", RrrEventTypes.PointsPosted, "rrr_m_1001", points: 120, version: 8));

        cut.WaitForAssertion(() => Assert.Equal(1370, Figure(cut, "points-available")));
        Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "120 points posted");
    }

    [Fact]
    public void RedemptionReversed_ReleasesTheEscrowOnScreen_AndSaysSo()
    {
        var cut = Render<PointsPanel>();
        cut.WaitForAssertion(() => Assert.Equal(15, Figure(cut, "points-escrow")));
        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 1265, 8, T0, pending: 40, escrow: 0);

        // A checkout whose payment failed: RRR gives the held points back.
        notifier.Publish(new RrrEvent("evt_rr", RrrEventTypes.RedemptionReversed, null, new Dictionary<string, object?>
        {
            ["resource_type"] = "wallet", ["resource_id"] = "rrr_m_1001", ["rrr_member_id"] = "rrr_m_1001", ["points"] = 15L,
            ["quote_id"] = "q_1", ["status"] = "REVERSED", ["version"] = 8L,
        }));

        cut.WaitForAssertion(() => Assert.Equal(0, Figure(cut, "points-escrow")));
        Assert.Equal(1265, Figure(cut, "points-available"));
        Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "15 points released from escrow");
    }

    [Fact]
    public async Task WebhookForThisMember_WhenTheStoreAlreadyHoldsThatVersion_ShowsItWithoutAskingRrr()
    {
        var cut = Render<PointsPanel>();
        cut.WaitForAssertion(() => Assert.Equal(1250, Figure(cut, "points-available")));
        var asked = wallets.Asked.Count;

        // Another tab (or instance) already read version 8 and stored it; RRR itself would now say something else.
        var stored = FakeWalletApi.Wallet("rrr_m_1001", 1370, 8, T0);
        await db.Store.Wallets.SaveWalletSnapshotAsync(
            new WalletSnapshot("rrr_m_1001", JsonSerializer.Serialize(stored, RrrJson.Options), stored.AsOf, T0, stored.Version), Xunit.TestContext.Current.CancellationToken);
        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 9999, 9, T0);

        notifier.Publish(WalletEvent("evt_6", RrrEventTypes.PointsPosted, "rrr_m_1001", points: 120, version: 8));

        cut.WaitForAssertion(() => Assert.Equal(1370, Figure(cut, "points-available")));
        Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "120 points posted");
        Assert.Equal(asked, wallets.Asked.Count);
    }

    [Fact]
    public void WebhookForThisMember_NewerThanTheStore_AsksRrrOnce()
    {
        var cut = Render<PointsPanel>();
        cut.WaitForAssertion(() => Assert.Equal(1250, Figure(cut, "points-available")));
        var asked = wallets.Asked.Count;
        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 1370, 8, T0);

        notifier.Publish(WalletEvent("evt_7", RrrEventTypes.PointsPosted, "rrr_m_1001", points: 120, version: 8));

        cut.WaitForAssertion(() => Assert.Equal(1370, Figure(cut, "points-available")));
        Assert.Equal(asked + 1, wallets.Asked.Count);
    }

    [Fact]
    public void LinkUpdated_OfAVersionThisCircuitAlreadyShows_AsksRrrNothing()
    {
        var cut = Render<PointsPanel>();
        var bar = Render<AppBarLinkStatus>();
        cut.WaitForAssertion(() => Assert.Equal(1250, Figure(cut, "points-available")));
        bar.WaitForAssertion(() => Assert.Equal("Linked", bar.Find("[data-testid=link-status]").GetAttribute("data-status")));
        var linkAsks = links.Asked.Count;
        var walletAsks = wallets.Asked.Count;

        // What the wizard's own read already showed (version 1) comes back as a webhook.
        notifier.Publish(new RrrEvent("evt_8", RrrEventTypes.LinkUpdated, null, new Dictionary<string, object?>
        {
            ["resource_type"] = "link", ["resource_id"] = "xcn_u_1001", ["xcn_user_id"] = "xcn_u_1001",
            ["rrr_member_id"] = "rrr_m_1001", ["status"] = "LINKED", ["version"] = 1L,
        }));

        cut.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Your RedRoomRewards account is now linked"));
        Assert.Equal(linkAsks, links.Asked.Count);
        Assert.Equal(walletAsks, wallets.Asked.Count);
    }

    [Fact]
    public async Task PanelAndAppBar_OnOneCircuit_ShareOneSubscriptionPerTopic_AndBothUpdate()
    {
        var cut = Render<PointsPanel>();
        var bar = Render<AppBarLinkStatus>();
        cut.WaitForAssertion(() => Assert.Equal(1250, Figure(cut, "points-available")));
        bar.WaitForAssertion(() => Assert.Equal("Linked", bar.Find("[data-testid=link-status]").GetAttribute("data-status")));

        Assert.Equal(1, notifier.SubscriberCount(RrrTopic.XcnUser("xcn_u_1001").Key));
        Assert.Equal(1, notifier.SubscriberCount(RrrTopic.Member("rrr_m_1001").Key));

        links.Links["xcn_u_1001"] = FakeLinksApi.NotLinked("xcn_u_1001", version: 2) with { Status = LinkStatus.Revoked };
        notifier.Publish(new RrrEvent("evt_9", RrrEventTypes.LinkUpdated, null, new Dictionary<string, object?>
        {
            ["resource_type"] = "link", ["resource_id"] = "xcn_u_1001", ["xcn_user_id"] = "xcn_u_1001",
            ["rrr_member_id"] = "rrr_m_1001", ["status"] = "REVOKED", ["version"] = 2L,
        }));

        bar.WaitForAssertion(() => Assert.Equal("Revoked", bar.Find("[data-testid=link-status]").GetAttribute("data-status")));
        cut.WaitForAssertion(() => Assert.Equal("Revoked", cut.Find("[data-testid=link-status]").GetAttribute("data-status")));

        await DisposeComponentsAsync();
        Assert.Equal(0, notifier.SubscriberCount(RrrTopic.XcnUser("xcn_u_1001").Key));
        Assert.Equal(0, notifier.SubscriberCount(RrrTopic.Member("rrr_m_1001").Key));
    }

    [Fact]
    public void WebhookForAnotherMember_ChangesNothing()
    {
        var cut = Render<PointsPanel>();
        cut.WaitForAssertion(() => Assert.Equal(1250, Figure(cut, "points-available")));
        var asked = wallets.Asked.Count;

        notifier.Publish(WalletEvent("evt_2", RrrEventTypes.PointsPosted, "rrr_m_1003", points: 50, version: 3));

        Assert.Equal(asked, wallets.Asked.Count);
        Assert.Empty(Snackbar.ShownSnackbars);
    }

    [Fact]
    public async Task AfterDispose_NoMoreRefreshes_NorRetries()
    {
        links.Down = true;
        var cut = Render<PointsPanel>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=rrr-unavailable]")));
        links.Down = false;

        await DisposeComponentsAsync();
        var linkAsks = links.Asked.Count;
        var walletAsks = wallets.Asked.Count;
        time.Advance(TimeSpan.FromMinutes(5));
        notifier.Publish(WalletEvent("evt_3", RrrEventTypes.PointsPosted, "rrr_m_1001", points: 1, version: 9));
        notifier.Publish(new RrrEvent("evt_4", RrrEventTypes.LinkUpdated, null,
            new Dictionary<string, object?> { ["resource_type"] = "link", ["xcn_user_id"] = "xcn_u_1001", ["version"] = 2L }));

        Assert.Equal(linkAsks, links.Asked.Count);
        Assert.Equal(walletAsks, wallets.Asked.Count);
    }

    [Fact]
    public void UnlinkedMember_IsToldSo_AndOfferedTheWizard()
    {
        SignInMember("xcn_u_1002");

        var cut = Render<PointsPanel>();

        cut.WaitForElement("[data-testid=not-linked]");
        Assert.Equal("NotLinked", cut.Find("[data-testid=link-status]").GetAttribute("data-status"));
        var link = cut.FindAll("a").Single(b => b.TextContent.Contains("Link your account", StringComparison.Ordinal));
        Assert.Equal("member/link", link.GetAttribute("href"));
        Assert.DoesNotContain("Coming soon", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(wallets.Asked);
    }

    /// <summary>Paid orders of <paramref name="user"/> that RRR refused as not linked, held as the dispatcher holds them.</summary>
    private async Task HoldAsync(string user, params (string Order, decimal Amount, EarnProduct Product)[] orders)
    {
        var outbox = db.Store.Outbox;
        var ct = Xunit.TestContext.Current.CancellationToken;
        await outbox.TryAddManyAsync([.. orders.Select(o => new EarnOrder(o.Order, OrderEventKind.Paid, user, o.Product, new Money(o.Amount, "USD"), T0, T0))], ct);
        var claimed = await outbox.ClaimBatchAsync("test", 100, T0, T0.AddMinutes(1), ct);
        await outbox.CompleteManyAsync("test", [.. claimed.Select(r => OutboxCompletion.Held(r.Key, T0.AddDays(30), 0))], T0, ct);
    }

    private static string Text(AngleSharp.Dom.IElement element) => System.Text.RegularExpressions.Regex.Replace(element.TextContent, @"\s+", " ").Trim();

    [Fact]
    public async Task UnlinkedMember_WithPurchasesHeld_SeesThePointsWaiting_WithALinkToTheWizard()
    {
        // 19.99 in tokens (1 a unit) and 5.00 of membership (2 a unit): 19 + 10 expected points.
        await HoldAsync("xcn_u_1002", ("o1", 19.99m, EarnProduct.Tokens), ("o2", 5.00m, EarnProduct.Membership));
        await HoldAsync("xcn_u_1004", ("someone-else", 100m, EarnProduct.Tokens));
        SignInMember("xcn_u_1002");

        var cut = Render<PointsPanel>();

        cut.WaitForElement("[data-testid=panel-held]");
        Assert.Equal("29 points waiting — link your account to claim them", Text(cut.Find("[data-testid=panel-held-text]")));
        Assert.Equal("29", cut.Find("[data-testid=panel-held]").GetAttribute("data-points"));
        Assert.Equal("member/link", cut.Find("[data-testid=panel-held-link]").GetAttribute("href"));
        Assert.Contains("From 2 purchases before your account was linked", Text(cut.Find("[data-testid=panel-held-detail]")), StringComparison.Ordinal);
        Assert.Contains("31 Mar 2026 (UTC)", Text(cut.Find("[data-testid=panel-held-detail]")), StringComparison.Ordinal);
        Assert.NotNull(cut.Find("[data-testid=not-linked]"));
    }

    [Fact]
    public async Task UnlinkedMember_WithNothingHeld_SeesNoWaitingLine_UntilAnOrderIsHeldWhileThePanelIsOpen()
    {
        SignInMember("xcn_u_1002");
        var cut = Render<PointsPanel>();
        cut.WaitForElement("[data-testid=not-linked]");
        Assert.Empty(cut.FindAll("[data-testid=panel-held]"));

        await HoldAsync("xcn_u_1002", ("o1", 1.50m, EarnProduct.Tokens));
        notifier.Publish(new HeldOrdersChanged("xcn_u_1002"));

        cut.WaitForAssertion(() => Assert.Equal("1 point waiting — link your account to claim them", Text(cut.Find("[data-testid=panel-held-text]"))));
    }

    [Fact]
    public void UnlinkedMember_WithLinkingSwitchedOff_IsOfferedNothingThatLeadsNowhere()
    {
        // Before any flag is read, so nothing has cached the "on" value yet.
        Services.GetRequiredService<IConfiguration>()["FeatureManagement:AccountLinking"] = "false";
        SignInMember("xcn_u_1002");

        var cut = Render<PointsPanel>();

        cut.WaitForElement("[data-testid=not-linked]");
        var button = cut.FindAll("button").Single(b => b.TextContent.Contains("Link your account", StringComparison.Ordinal));
        Assert.True(button.HasAttribute("disabled"));
        Assert.DoesNotContain(cut.FindAll("a"), a => a.GetAttribute("href") == "member/link");
    }

    [Fact]
    public void LinkUpdated_ForThisUser_RereadsTheLink_AndShowsTheWallet()
    {
        SignInMember("xcn_u_1002");
        var cut = Render<PointsPanel>();
        cut.WaitForElement("[data-testid=not-linked]");
        links.Links["xcn_u_1002"] = FakeLinksApi.Linked("xcn_u_1002", "rrr_m_1002", version: 2);
        wallets.Wallets["rrr_m_1002"] = FakeWalletApi.Wallet("rrr_m_1002", 500, 1, T0);

        notifier.Publish(new RrrEvent("evt_5", RrrEventTypes.LinkUpdated, null, new Dictionary<string, object?>
        {
            ["resource_type"] = "link", ["resource_id"] = "xcn_u_1002", ["xcn_user_id"] = "xcn_u_1002",
            ["rrr_member_id"] = "rrr_m_1002", ["status"] = "LINKED", ["version"] = 2L,
        }));

        cut.WaitForAssertion(() => Assert.Equal(500, Figure(cut, "points-available")));
        Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Your RedRoomRewards account is now linked");
    }

    [Fact]
    public void AMember_SeesOnlyTheirOwnWallet_ChosenByTheSubClaim()
    {
        SignInMember("xcn_u_1003");

        var cut = Render<PointsPanel>();

        cut.WaitForAssertion(() => Assert.Equal(80, Figure(cut, "points-available")));
        Assert.Equal(["rrr_m_1003"], wallets.Asked);
        Assert.DoesNotContain("1,250", cut.Markup, StringComparison.Ordinal);
        // Nothing a page or URL could set: the panel's only parameter is its change callback.
        var parameters = typeof(PointsPanel).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.IsDefined(typeof(ParameterAttribute), inherit: true) || p.IsDefined(typeof(SupplyParameterFromQueryAttribute), inherit: true))
            .Select(p => p.Name);
        Assert.Equal(["WalletChanged"], parameters);
    }

    [Fact]
    public void SignedInWithoutASubClaim_ShowsNoWallet()
    {
        SignInAs("Someone", PortalRoles.Member);

        var cut = Render<PointsPanel>();

        cut.WaitForElement("[data-testid=points-error]");
        Assert.Empty(wallets.Asked);
        Assert.Empty(links.Asked);
    }

    private static RrrEvent WalletEvent(string id, string type, string member, long points, long version) =>
        new(id, type, null, new Dictionary<string, object?>
        {
            ["resource_type"] = "wallet", ["resource_id"] = member, ["rrr_member_id"] = member, ["points"] = points,
            ["status"] = "POSTED", ["version"] = version,
        });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            db.Dispose();
        }
    }
}
