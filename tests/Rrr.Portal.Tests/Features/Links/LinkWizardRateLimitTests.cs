using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Members;
using Rrr.Portal.Features.Links;
using Rrr.Portal.Tests.Features.Wallet;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Links;

/// <summary>
/// Link starts and code tries happen inside a circuit, so the limit sits in the wizard service: per member (sub),
/// shared by all of that member's circuits; past it nothing reaches RRR and the member is told how long to wait.
/// </summary>
public sealed class LinkWizardRateLimitTests : IDisposable
{
    private const string Noah = "xcn_u_1002";
    private const string Mia = "xcn_u_1003";

    private readonly TempSqliteStore db = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLinkFlowApi api = new();
    private readonly MemberActionLimiter limiter = new(Options.Create(new MemberActionLimits
    {
        LinkIntents = new RateLimitRule { PermitLimit = 2, Window = TimeSpan.FromHours(1) },
        LinkCodes = new RateLimitRule { PermitLimit = 2, Window = TimeSpan.FromHours(1) },
    }));

    private readonly List<LinkStatusService> statuses = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        foreach (var status in statuses)
        {
            status.Dispose();
        }

        limiter.Dispose();
        db.Dispose();
    }

    /// <summary>A new circuit of <paramref name="xcnUserId"/>, sharing the process-wide limiter like the portal's singleton.</summary>
    private LinkWizardService Circuit(string xcnUserId)
    {
        var identity = new FixedIdentity(xcnUserId);
        var status = new LinkStatusService(identity, api, db.Store.Links, time, NullLogger<LinkStatusService>.Instance);
        statuses.Add(status);
        return new LinkWizardService(identity, api, db.Store.Intents, status, limiter, new PortalEvents(NullLogger<PortalEvents>.Instance), time, TestLocalizer.For<LinkWizardText>(), NullLogger<LinkWizardService>.Instance);
    }

    [Fact]
    public async Task Starts_PastTheLimit_AreRefusedWithAWait_WithoutAskingRrr_EvenFromANewCircuit_WhileAnotherMemberStillStarts()
    {
        var first = await Circuit(Noah).StartAsync("run1", "rrr_m_1001", Ct);
        var second = await Circuit(Noah).StartAsync("run2", "rrr_m_1003", Ct);
        var third = await Circuit(Noah).StartAsync("run3", "rrr_m_1001", Ct);
        var mia = await Circuit(Mia).StartAsync("run1", null, Ct);

        Assert.Equal(LinkWizardStep.EnterCode, first.Step);
        Assert.Equal(LinkWizardStep.EnterCode, second.Step);
        Assert.Equal(LinkWizardProblem.TooManyTries, third.Problem);
        Assert.Equal(LinkWizardStep.Start, third.Step);
        Assert.NotNull(third.RetryAfter);
        Assert.InRange(third.RetryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal(LinkWizardStep.EnterCode, mia.Step);
        Assert.True(mia.Succeeded);
        Assert.Equal(
            [$"link_intent_{Noah}_run1", $"link_intent_{Noah}_run2", $"link_intent_{Mia}_run1"],
            api.Keys.Where(k => k.Operation == "intent").Select(k => k.Key).ToArray());
    }

    [Fact]
    public async Task CodeTries_PastTheLimit_AreRefusedWithAWait_NoTryIsSpentAtRrr_AndTheIntentStaysOpen()
    {
        var wizard = Circuit(Noah);
        await wizard.StartAsync("run1", null, Ct);

        var wrong1 = await wizard.ConfirmAsync("000000", Ct);
        var wrong2 = await wizard.ConfirmAsync("000001", Ct);
        var limited = await Circuit(Noah).ConfirmAsync(api.Last.Code, Ct);

        Assert.Equal(LinkWizardProblem.WrongCode, wrong1.Problem);
        Assert.Equal(LinkWizardProblem.WrongCode, wrong2.Problem);
        Assert.Equal(LinkWizardProblem.TooManyTries, limited.Problem);
        Assert.Equal(LinkWizardStep.EnterCode, limited.Step);
        Assert.NotNull(limited.RetryAfter);
        Assert.Equal(2, api.Keys.Count(k => k.Operation == "confirm"));
        Assert.NotNull(await db.Store.Intents.GetOpenLinkIntentAsync(Noah, Ct));
    }

    [Fact]
    public async Task UnderTheLimit_TheWholeFlowStillLinks()
    {
        var wizard = Circuit(Noah);

        var started = await wizard.StartAsync("run1", "rrr_m_1002", Ct);
        var linked = await wizard.ConfirmAsync(api.Last.Code, Ct);

        Assert.Equal(LinkWizardStep.EnterCode, started.Step);
        Assert.Equal(LinkWizardStep.Linked, linked.Step);
        Assert.True(linked.Succeeded);
    }

    [Fact]
    public async Task InvalidInput_CostsNoPermit()
    {
        var wizard = Circuit(Noah);

        await wizard.StartAsync("bad", "not a member number!", Ct);
        await wizard.StartAsync("bad", "still not one!", Ct);
        var real = await wizard.StartAsync("run1", null, Ct);

        Assert.Equal(LinkWizardStep.EnterCode, real.Step);
    }

    [Fact]
    public void Message_SaysHowLongToWait_InWholeSeconds()
    {
        var state = new LinkWizardState(LinkWizardStep.Start, LinkView.Unknown(Noah), Problem: LinkWizardProblem.TooManyTries,
            RetryAfter: TimeSpan.FromSeconds(41.2));

        var message = LinkWizardMessages.Describe(state, TestLocalizer.For<LinkText>());

        Assert.NotNull(message);
        Assert.Equal("Too many tries. Wait 42 s, then try again.", message.Value.Text);
    }
}
