using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Members;
using Rrr.Core.Rrr.Links;
using Rrr.Portal.Tests.Features.Wallet;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Links;

/// <summary>The wizard's rules over a real SQLite store, the real link status service and RRR's rules in a fake.</summary>
public sealed class LinkWizardServiceTests : IDisposable
{
    private const string Noah = "xcn_u_1002";
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempSqliteStore db = new();
    private readonly FakeTimeProvider time = new(T0);
    private readonly FakeLinkFlowApi api = new();
    private readonly FixedIdentity identity = new(Noah);
    private readonly List<LinkStatusService> statuses = [];
    private readonly MemberActionLimiter limiter = new(Microsoft.Extensions.Options.Options.Create(new MemberActionLimits()));
    private readonly PortalEvents events = new(NullLogger<PortalEvents>.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new circuit: its own status service and wizard over the same store and RRR.</summary>
    private (LinkWizardService Wizard, LinkStatusService Status) NewCircuit()
    {
        var status = new LinkStatusService(identity, api, db.Store.Links, time, NullLogger<LinkStatusService>.Instance);
        statuses.Add(status);
        return (new LinkWizardService(identity, api, db.Store.Intents, status, limiter, events, time, TestLocalizer.For<LinkWizardText>(), NullLogger<LinkWizardService>.Instance), status);
    }

    [Fact]
    public async Task Start_ThenRightCode_Links_AndTheStatusEveryoneReadsSaysLinked()
    {
        var (wizard, status) = NewCircuit();
        var changes = new List<LinkStatus?>();
        status.Changed += v => changes.Add(v.Status);

        var started = await wizard.StartAsync("run1", "rrr_m_1002", Ct);
        var linked = await wizard.ConfirmAsync(api.Last.Code, Ct);

        Assert.Equal(LinkWizardStep.EnterCode, started.Step);
        Assert.Equal(LinkStatus.Pending, started.Link.Status);
        Assert.Equal(LinkWizardStep.Linked, linked.Step);
        Assert.True(linked.Succeeded);
        Assert.Equal("rrr_m_1002", linked.Link.RrrMemberId);
        Assert.Equal(LinkStatus.Linked, status.Current!.Status);
        Assert.Equal([LinkStatus.Pending, LinkStatus.Linked], changes);
        Assert.Equal(
            [("intent", $"link_intent_{Noah}_run1"), ("confirm", "link_confirm_li_1_1")],
            api.Keys.ToArray());
        Assert.Null(await db.Store.Intents.GetOpenLinkIntentAsync(Noah, Ct));
    }

    [Fact]
    public async Task Confirm_AnnouncesTheLinkOnTheBus_SoHeldOrdersAreReleasedWithoutWaitingForTheWebhook()
    {
        var (wizard, _) = NewCircuit();
        var heard = new List<string>();
        using var subscription = events.Subscribe(MemberLinked.Any, m => heard.Add(m.XcnUserId));

        await wizard.StartAsync("run1", "rrr_m_1002", Ct);
        Assert.Empty(heard);
        await wizard.ConfirmAsync(api.Last.Code, Ct);

        Assert.Equal([Noah], heard);
    }

    [Fact]
    public async Task Start_TwiceInOneRun_IsOneIntent()
    {
        var (wizard, _) = NewCircuit();

        var first = await wizard.StartAsync("run1", null, Ct);
        var second = await wizard.StartAsync("run1", null, Ct);

        Assert.Single(api.Intents);
        Assert.Equal(first.Intent!.IntentId, second.Intent!.IntentId);
    }

    [Fact]
    public async Task WrongCode_SaysTriesLeft_AndEachEntryHasItsOwnKey()
    {
        var (wizard, _) = NewCircuit();
        await wizard.StartAsync("run1", null, Ct);

        var wrong = await wizard.ConfirmAsync("000000", Ct);
        var again = await wizard.ConfirmAsync("111111", Ct);

        Assert.Equal(LinkWizardStep.EnterCode, wrong.Step);
        Assert.Equal(LinkWizardProblem.WrongCode, wrong.Problem);
        Assert.Equal(4, wrong.AttemptsRemaining);
        Assert.Equal(3, again.AttemptsRemaining);
        Assert.Equal(["link_confirm_li_1_1", "link_confirm_li_1_2"], api.Keys.Where(k => k.Operation == "confirm").Select(k => k.Key));
        Assert.Equal(3, (await db.Store.Intents.GetOpenLinkIntentAsync(Noah, Ct))!.AttemptsRemaining);
    }

    [Fact]
    public async Task FifthWrongCode_VoidsTheIntent_AndGoesBackToStart()
    {
        var (wizard, _) = NewCircuit();
        await wizard.StartAsync("run1", null, Ct);
        LinkWizardState state = null!;
        for (var i = 0; i < 5; i++)
        {
            state = await wizard.ConfirmAsync("00000" + i, Ct);
        }

        Assert.Equal(LinkWizardStep.Start, state.Step);
        Assert.Equal(LinkWizardProblem.TooManyWrongCodes, state.Problem);
        Assert.Null(await db.Store.Intents.GetOpenLinkIntentAsync(Noah, Ct));
    }

    [Fact]
    public async Task ExpiredIntent_SaysExpired_AndGoesBackToStart()
    {
        var (wizard, _) = NewCircuit();
        await wizard.StartAsync("run1", null, Ct);
        api.Last.Expired = true;

        var state = await wizard.ConfirmAsync(api.Last.Code, Ct);

        Assert.Equal(LinkWizardStep.Start, state.Step);
        Assert.Equal(LinkWizardProblem.CodeExpired, state.Problem);
    }

    [Fact]
    public async Task AlreadyLinked_ThisAccount_SaysSo_AndShowsTheLink()
    {
        api.Link(Noah, "rrr_m_1002");
        var (wizard, _) = NewCircuit();

        var state = await wizard.StartAsync("run1", "rrr_m_1003", Ct);

        Assert.Equal(LinkWizardStep.Linked, state.Step);
        Assert.Equal(LinkWizardProblem.ThisAccountAlreadyLinked, state.Problem);
        Assert.Equal("rrr_m_1002", state.Link.RrrMemberId);
    }

    [Fact]
    public async Task AlreadyLinked_ThatRrrAccount_BelongsToSomeoneElse()
    {
        api.Link("xcn_u_1001", "rrr_m_1001");
        var (wizard, _) = NewCircuit();

        var state = await wizard.StartAsync("run1", "rrr_m_1001", Ct);

        Assert.Equal(LinkWizardStep.Start, state.Step);
        Assert.Equal(LinkWizardProblem.RrrAccountTaken, state.Problem);
    }

    [Fact]
    public async Task RrrAccountLinkedToSomeoneElse_WhileTheCodeWasTyped_IsRefusedAsTaken()
    {
        var (wizard, _) = NewCircuit();
        await wizard.StartAsync("run1", "rrr_m_1003", Ct);
        api.Link("xcn_u_1003", "rrr_m_1003");

        var state = await wizard.ConfirmAsync(api.Last.Code, Ct);

        Assert.Equal(LinkWizardProblem.RrrAccountTaken, state.Problem);
        Assert.Equal(LinkWizardStep.Start, state.Step);
    }

    [Fact]
    public async Task UnknownMemberNumber_IsAFieldError()
    {
        var (wizard, _) = NewCircuit();

        var state = await wizard.StartAsync("run1", "rrr_m_9999", Ct);

        Assert.Equal(LinkWizardProblem.UnknownRrrMember, state.Problem);
        Assert.Contains("no member", state.FieldErrors![LinkWizardRules.MemberNumberField], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData(" 123456")]
    [InlineData(null)]
    public async Task CodeThatIsNotSixDigits_IsRefusedHere_WithoutSpendingATry(string? code)
    {
        var (wizard, _) = NewCircuit();
        await wizard.StartAsync("run1", null, Ct);

        var state = await wizard.ConfirmAsync(code, Ct);

        Assert.Equal(LinkWizardProblem.InvalidInput, state.Problem);
        Assert.NotNull(state.FieldErrors![LinkWizardRules.CodeField]);
        Assert.DoesNotContain(api.Keys, k => k.Operation == "confirm");
        Assert.Equal(5, api.Last.Left);
    }

    [Fact]
    public async Task Refresh_ResumesAtTheCodeStep_WithTheTriesLeft()
    {
        var (wizard, _) = NewCircuit();
        await wizard.StartAsync("run1", null, Ct);
        await wizard.ConfirmAsync("000000", Ct);

        var (afterRefresh, _) = NewCircuit();
        var state = await afterRefresh.LoadAsync(Ct);
        var linked = await afterRefresh.ConfirmAsync(api.Last.Code, Ct);

        Assert.Equal(LinkWizardStep.EnterCode, state.Step);
        Assert.Equal("li_1", state.Intent!.IntentId);
        Assert.Equal(4, state.AttemptsRemaining);
        Assert.Equal(LinkWizardStep.Linked, linked.Step);
        Assert.Equal("link_confirm_li_1_2", api.Keys.Last().Key);
    }

    [Fact]
    public async Task Refresh_AfterTheIntentDiedAtRrr_StartsOver_AndForgetsIt()
    {
        var (wizard, _) = NewCircuit();
        await wizard.StartAsync("run1", null, Ct);
        api.Last.Expired = true;

        var state = await NewCircuit().Wizard.LoadAsync(Ct);

        Assert.Equal(LinkWizardStep.Start, state.Step);
        Assert.Null(await db.Store.Intents.GetOpenLinkIntentAsync(Noah, Ct));
    }

    [Fact]
    public async Task Revoke_UsesTheLinkKey_AndLeavesTheMemberUnlinked()
    {
        api.Link(Noah, "rrr_m_1002");
        var (wizard, status) = NewCircuit();

        var state = await wizard.RevokeAsync(Ct);

        Assert.Equal(LinkWizardStep.Start, state.Step);
        Assert.True(state.Succeeded);
        Assert.Equal(LinkStatus.Revoked, status.Current!.Status);
        Assert.Equal(("revoke", $"link_revoke_lnk_{Noah}"), api.Keys.Single());
    }

    [Fact]
    public async Task Revoke_WhenNotLinked_SaysSo_AndCallsNothing()
    {
        var (wizard, _) = NewCircuit();

        var state = await wizard.RevokeAsync(Ct);

        Assert.Equal(LinkWizardProblem.NotLinked, state.Problem);
        Assert.Empty(api.Keys);
    }

    [Fact]
    public async Task RrrDown_AtStart_SaysUnavailable_AndStoresNothing_ThenTheRetryIsTheSameIntent()
    {
        var (wizard, _) = NewCircuit();
        api.Down = true;

        var down = await wizard.StartAsync("run1", null, Ct);
        api.Down = false;
        var retried = await wizard.StartAsync("run1", null, Ct);

        Assert.Equal(LinkWizardProblem.RrrUnavailable, down.Problem);
        Assert.Equal(LinkWizardStep.Start, down.Step);
        Assert.Equal(LinkWizardStep.EnterCode, retried.Step);
        Assert.Equal([$"link_intent_{Noah}_run1", $"link_intent_{Noah}_run1"], api.Keys.Select(k => k.Key));
    }

    [Fact]
    public async Task RrrDown_AtConfirm_KeepsTheCodeStep_AndTheIntent()
    {
        var (wizard, _) = NewCircuit();
        await wizard.StartAsync("run1", null, Ct);
        api.Down = true;

        var state = await wizard.ConfirmAsync(api.Last.Code, Ct);

        Assert.Equal(LinkWizardStep.EnterCode, state.Step);
        Assert.Equal(LinkWizardProblem.RrrUnavailable, state.Problem);
        Assert.NotNull(await db.Store.Intents.GetOpenLinkIntentAsync(Noah, Ct));
        api.Down = false;
        Assert.Equal(LinkWizardStep.Linked, (await wizard.ConfirmAsync(api.Last.Code, Ct)).Step);
    }

    [Fact]
    public async Task NoSignedInMember_IsRefused()
    {
        identity.XcnUserId = null;
        var (wizard, _) = NewCircuit();

        // Was Assert.ThrowsAsync<MemberIdentityMissingException>: the same refusal, now as the wizard's state.
        Assert.Equal(LinkWizardProblem.Refused, (await wizard.StartAsync("run1", null, Ct)).Problem);
        Assert.Empty(api.Keys);
    }

    public void Dispose()
    {
        foreach (var status in statuses)
        {
            status.Dispose();
        }

        limiter.Dispose();
        db.Dispose();
    }
}
