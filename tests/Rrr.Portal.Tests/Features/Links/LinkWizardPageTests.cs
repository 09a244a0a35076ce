using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Members;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Sso;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Links;
using Rrr.Portal.Features.Members;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Features.Wallet;
using Rrr.Portal.Tests.Support;
using Rrr.Core;

namespace Rrr.Portal.Tests.Features.Links;

/// <summary>The /member/link wizard over the real wizard and status services, a real SQLite store and RRR's rules in a fake.</summary>
public sealed class LinkWizardPageTests : PortalComponentTest
{
    private const string Noah = "xcn_u_1002";

    private readonly TempSqliteStore db = new();
    private readonly FakeLinkFlowApi api = new();
    private readonly Dictionary<string, string?> flags = new()
    {
        ["FeatureManagement:AccountLinking"] = "true",
        ["FeatureManagement:SsoDeepLink"] = "true",
    };

    public LinkWizardPageTests()
    {
        Services.AddSingleton<IConfiguration>(_ => new ConfigurationBuilder().AddInMemoryCollection(flags).Build());
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));
        Services.AddSingleton<IRrrLinksApi>(api);
        Services.AddSingleton<IRrrSsoApi>(new FakeSsoApi());
        Services.AddSingleton<ILinkSnapshotStore>(db.Store.Links);
        Services.AddSingleton<IWalletSnapshotStore>(db.Store.Wallets);
        Services.AddSingleton<IOpenLinkIntentStore>(db.Store.Intents);
        Services.AddSingleton<IWebHostEnvironment>(new TestEnvironment());
        Services.AddSingleton(Options.Create(new SandboxHostOptions { Enabled = true, Url = new Uri("http://localhost:5081") }));
        Services.AddSingleton<AntiforgeryStateProvider>(new TestAntiforgery());
        Services.AddLogging();
        Services.AddPortalMembers().AddRrrMembers();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var identity = new ClaimsIdentity("test", "name", "role");
        identity.AddClaims([new Claim("name", "Noah"), new Claim("sub", Noah), new Claim("role", PortalRoles.Member)]);
        SignInAs(new ClaimsPrincipal(identity));
    }

    private IRenderedComponent<LinkWizardPage> RenderWizard()
    {
        var cut = Render<LinkWizardPage>();
        cut.WaitForElement("[data-testid=link-wizard]");
        return cut;
    }

    private static string Step(IRenderedComponent<LinkWizardPage> cut) => cut.Find("[data-testid=link-wizard]").GetAttribute("data-step")!;

    private static IElement Input(IRenderedComponent<LinkWizardPage> cut, string testId)
    {
        var element = cut.Find($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    private static void StartLinking(IRenderedComponent<LinkWizardPage> cut, string? memberNumber = null)
    {
        if (memberNumber is not null)
        {
            Input(cut, "member-number").Input(memberNumber);
        }

        cut.Find("[data-testid=start-step] form").Submit();
        cut.WaitForAssertion(() => Assert.NotEqual("Start", Step(cut)));
    }

    private static void EnterCode(IRenderedComponent<LinkWizardPage> cut, string code)
    {
        Input(cut, "link-code").Input(code);
        cut.Find("[data-testid=code-step] form").Submit();
    }

    private static string Problem(IRenderedComponent<LinkWizardPage> cut) => cut.Find("[data-testid=wizard-problem]").TextContent;

    [Fact]
    public void FlagOff_PageSaysNotAvailable_AndNeverTalksToRrr()
    {
        flags["FeatureManagement:AccountLinking"] = "false";

        var cut = Render<LinkWizardPage>();

        cut.WaitForElement("[data-testid=linking-off]");
        Assert.Empty(cut.FindAll("[data-testid=link-wizard]"));
        Assert.Empty(api.Keys);
    }

    [Fact]
    public void Unlinked_WalksStartCodeLinked_WrongCodeShowsTriesLeft()
    {
        var cut = RenderWizard();
        Assert.Equal("Start", Step(cut));
        Assert.Contains("RedRoomRewards inbox", cut.Markup, StringComparison.Ordinal);

        StartLinking(cut, "rrr_m_1002");
        Assert.Equal("EnterCode", Step(cut));
        Assert.Contains("RedRoomRewards inbox", cut.Find("[data-testid=code-step]").TextContent, StringComparison.Ordinal);

        EnterCode(cut, "000000");
        cut.WaitForAssertion(() => Assert.Contains("That code is not right. 4 tries left.", Problem(cut), StringComparison.Ordinal));
        Assert.Equal("EnterCode", Step(cut));

        EnterCode(cut, api.Last.Code);
        cut.WaitForAssertion(() => Assert.Equal("Linked", Step(cut)));
        Assert.Equal("rrr_m_1002", cut.Find("[data-testid=linked-member]").TextContent);
        Assert.Equal("member", cut.FindAll("a").Single(a => a.TextContent.Contains("Back to my points", StringComparison.Ordinal)).GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=wizard-problem]"));
    }

    [Fact]
    public void Start_PastTheRateLimit_SaysHowLongToWait_AndStaysAtStart()
    {
        // Noah's other tabs (the limiter is one per process) used up the default allowance.
        var limiter = Services.GetRequiredService<MemberActionLimiter>();
        var used = 0;
        while (limiter.TryAcquire(MemberAction.LinkIntent, Noah) is null && used < 1000)
        {
            used++;
        }

        Assert.Equal(new MemberActionLimits().LinkIntents.PermitLimit, used);
        var cut = RenderWizard();

        cut.Find("[data-testid=start-step] form").Submit();

        cut.WaitForAssertion(() => Assert.Matches(@"^Too many tries\. Wait \d+ s, then try again\.", Problem(cut).Trim()));
        Assert.Equal("Start", Step(cut));
        Assert.DoesNotContain(api.Keys, k => k.Operation == "intent");
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("12a45b")]
    public void CodeField_NeedsExactlySixDigits_BeforeAnythingIsSent(string code)
    {
        var cut = RenderWizard();
        StartLinking(cut);

        EnterCode(cut, code);

        cut.WaitForAssertion(() => Assert.Contains("Enter the 6 digits of the code", cut.Find("[data-testid=code-step]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(api.Keys, k => k.Operation == "confirm");
    }

    [Fact]
    public void InDevelopment_PointsToTheSandboxInbox()
    {
        var cut = RenderWizard();
        StartLinking(cut);

        Assert.Equal("http://localhost:5081/inbox?member=xcn_u_1002", cut.Find("[data-testid=sandbox-inbox]").GetAttribute("href"));
    }

    [Fact]
    public void FiveWrongCodes_VoidTheCode_ThenStartAgainSendsANewOne()
    {
        var cut = RenderWizard();
        StartLinking(cut);
        for (var i = 0; i < 5; i++)
        {
            EnterCode(cut, "00000" + i);
            cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=wizard-problem]")));
        }

        cut.WaitForAssertion(() => Assert.Contains("Too many wrong codes", Problem(cut), StringComparison.Ordinal));
        Assert.Equal("Start", Step(cut));

        cut.FindAll("button").Single(b => b.TextContent.Contains("Start again", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.Equal("EnterCode", Step(cut)));
        Assert.Equal(2, api.Intents.Count);
    }

    [Fact]
    public void ExpiredCode_SaysSo()
    {
        var cut = RenderWizard();
        StartLinking(cut);
        api.Last.Expired = true;

        EnterCode(cut, api.Last.Code);

        cut.WaitForAssertion(() => Assert.Contains("That code has expired", Problem(cut), StringComparison.Ordinal));
        Assert.Equal("Start", Step(cut));
    }

    [Fact]
    public void AlreadyLinked_ThisAccount_IsBlockedWithTheLinkShown()
    {
        var cut = RenderWizard();
        api.Link(Noah, "rrr_m_1002");

        StartLinking(cut);

        cut.WaitForAssertion(() => Assert.Equal("Linked", Step(cut)));
        Assert.Contains("Your XCN account is already linked to RedRoomRewards member rrr_m_1002", Problem(cut), StringComparison.Ordinal);
    }

    [Fact]
    public void AlreadyLinked_ThatRrrAccountBelongsToSomeoneElse_IsBlocked()
    {
        api.Link("xcn_u_1001", "rrr_m_1001");
        var cut = RenderWizard();

        Input(cut, "member-number").Input("rrr_m_1001");
        cut.Find("[data-testid=start-step] form").Submit();

        cut.WaitForAssertion(() => Assert.Contains("already linked to another XCN account", Problem(cut), StringComparison.Ordinal));
        Assert.Equal("Start", Step(cut));
    }

    [Fact]
    public async Task Refresh_ResumesAtTheCodeStep()
    {
        var first = RenderWizard();
        StartLinking(first);
        await DisposeComponentsAsync();

        var cut = RenderWizard();

        Assert.Equal("EnterCode", Step(cut));
        EnterCode(cut, api.Last.Code);
        cut.WaitForAssertion(() => Assert.Equal("Linked", Step(cut)));
        Assert.Single(api.Intents);
    }

    [Fact]
    public void RrrDown_SaysTemporarilyUnavailable_NothingLost()
    {
        var cut = RenderWizard();
        api.Down = true;

        cut.Find("[data-testid=start-step] form").Submit();

        cut.WaitForAssertion(() => Assert.Contains("RedRoomRewards is temporarily unavailable. Nothing was lost", Problem(cut), StringComparison.Ordinal));
        Assert.Equal("Start", Step(cut));
    }

    [Fact]
    public void Revoke_AsksFirst_CancelKeepsTheLink_ConfirmRevokes()
    {
        api.Link(Noah, "rrr_m_1002");
        var dialogs = Render<MudDialogProvider>();
        var cut = RenderWizard();
        Assert.Equal("Linked", Step(cut));

        cut.Find("[data-testid=revoke-link]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke the link to RedRoomRewards?", dialogs.Markup, StringComparison.Ordinal));
        Assert.Contains("rrr_m_1002", dialogs.Markup, StringComparison.Ordinal);
        dialogs.FindAll("button").Single(b => b.TextContent.Contains("Keep the link", StringComparison.Ordinal)).Click();
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Revoke the link to RedRoomRewards?", dialogs.Markup, StringComparison.Ordinal));
        Assert.Empty(api.Revoked);
        Assert.Equal("Linked", Step(cut));

        cut.Find("[data-testid=revoke-link]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke the link to RedRoomRewards?", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke link").Click();

        cut.WaitForAssertion(() => Assert.Equal("Start", Step(cut)));
        Assert.Equal(["lnk_" + Noah], api.Revoked);
    }

    private sealed class TestEnvironment : IWebHostEnvironment
    {
        public string WebRootPath { get; set; } = "";

        public IFileProvider WebRootFileProvider { get; set; } = new NullFileProvider();

        public string ApplicationName { get; set; } = "Rrr.Portal";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();

        public string ContentRootPath { get; set; } = "";

        public string EnvironmentName { get; set; } = "Development";
    }

    private sealed class TestAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-token", "__RequestVerificationToken");
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
