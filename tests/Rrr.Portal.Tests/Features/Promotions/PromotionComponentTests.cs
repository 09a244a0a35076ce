using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Promotions;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Promotions;
using Rrr.Portal.Features.Promotions;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Promotions;

public sealed class PromotionComponentTests : PortalComponentTest
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 13, 0, 0, TimeSpan.Zero);

    public PromotionComponentTests()
    {
        Services.AddSingleton(new PromotionFormValidator(new FakeTimeProvider(Now), TestLocalizer.For<PromotionFormText>()));
    }

    [Fact]
    public void EmptySubmit_ShowsAMessageUnderEachField_AndSubmitsNothing()
    {
        var submitted = 0;
        var cut = Render<PromotionEditor>(p => p
            .Add(e => e.Model, new PromotionForm())
            .Add(e => e.OnValidSubmit, (PromotionForm _) => submitted++));

        cut.FindAll("button").Single(b => b.TextContent.Contains("Save draft", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() =>
        {
            // Each message sits in its field's helper line (the name's also holds the 0 / 80 counter).
            var messages = cut.FindAll(".mud-input-helper-text.mud-input-error").Select(e => e.TextContent.Replace("0 / 80", "", StringComparison.Ordinal).Trim()).ToList();
            Assert.Contains("Enter a name.", messages);
            Assert.Contains("Choose a kind.", messages);
            Assert.Contains("Enter a value.", messages);
            Assert.Contains("Choose when it starts.", messages);
            Assert.Contains("Choose when it ends.", messages);
            Assert.Contains("Choose an audience.", messages);
            Assert.Contains("Enter a budget cap.", messages);
        });
        Assert.Equal(0, submitted);
    }

    [Fact]
    public void BadValues_ShowTheirRuleOnTheField_AndKeepWhatWasTyped()
    {
        var model = new PromotionForm
        {
            Name = "ab",
            Kind = PromotionKind.Multiplier,
            Value = 12.5m,
            StartsAtUtc = Now.UtcDateTime.AddDays(-1),
            EndsAtUtc = Now.UtcDateTime.AddDays(400),
            Audience = PromotionAudience.Models,
            BudgetCapPoints = 0,
        };
        var cut = Render<PromotionEditor>(p => p
            .Add(e => e.Model, model)
            .Add(e => e.OnValidSubmit, (PromotionForm _) => { }));

        cut.FindAll("button").Single(b => b.TextContent.Contains("Save draft", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() =>
        {
            var text = cut.Markup;
            Assert.Contains("A name has 3 to 80 characters.", text, StringComparison.Ordinal);
            Assert.Contains("A multiplier is above 1 and at most 10.", text, StringComparison.Ordinal);
            Assert.Contains("The start must not be in the past.", text, StringComparison.Ordinal);
            Assert.Contains("The end must be within 365 days from now.", text, StringComparison.Ordinal);
            Assert.Contains("The budget cap is 1 to 10,000,000 points.", text, StringComparison.Ordinal);
        });
        Assert.Equal(("ab", 12.5m, 0L), (model.Name, model.Value, model.BudgetCapPoints));
        Assert.Contains(cut.FindAll("input"), i => i.GetAttribute("value") == "ab");
    }

    [Fact]
    public void AGoodForm_IsHandedOver()
    {
        PromotionForm? submitted = null;
        var model = new PromotionForm
        {
            Name = "Winter double",
            Kind = PromotionKind.BonusPoints,
            Value = 500m,
            StartsAtUtc = Now.UtcDateTime.AddDays(1),
            EndsAtUtc = Now.UtcDateTime.AddDays(10),
            Audience = PromotionAudience.AllMembers,
            BudgetCapPoints = 10_000,
        };
        var cut = Render<PromotionEditor>(p => p
            .Add(e => e.Model, model)
            .Add(e => e.OnValidSubmit, (PromotionForm f) => submitted = f));

        cut.FindAll("button").Single(b => b.TextContent.Contains("Save draft", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.Same(model, submitted));
        Assert.Empty(cut.FindAll(".mud-input-error"));
    }

    [Fact]
    public void Progress_ShowsWhoApproved_AndWhatIsStillPending()
    {
        var promotion = Promotion(
            new PromotionApproval("xcn_u_9002", ApproverRole.XcnAdmin, ApprovalDecision.Approve, null, Now, 3),
            new PromotionApproval("xcn_u_9003", ApproverRole.XcnAdmin, ApprovalDecision.Approve, null, Now.AddMinutes(1), 4));

        var cut = Render<PromotionProgressView>(p => p
            .Add(v => v.Progress, PromotionProgress.From(promotion))
            .Add(v => v.Status, PromotionStatus.PendingApproval)
            .Add(v => v.AdminId, "xcn_u_9003"));

        Assert.Equal("XCN 2/2 · RRR 0/1", cut.Find("[data-testid=promotion-progress]").TextContent);
        var xcn = cut.FindAll("[data-testid=xcn-step]").Select(e => System.Text.RegularExpressions.Regex.Replace(e.TextContent, @"\s+", " ").Trim()).ToList();
        Assert.Contains("XCN admin 1: approved by xcn_u_9002", xcn[0], StringComparison.Ordinal);
        Assert.Contains("XCN admin 2: approved by you (xcn_u_9003)", xcn[1], StringComparison.Ordinal);
        Assert.Contains("pending at RRR", cut.Find("[data-testid=rrr-step]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_CountsAPersonOnce_AndShowsTheRejection()
    {
        var promotion = Promotion(
            new PromotionApproval("xcn_u_9002", ApproverRole.XcnAdmin, ApprovalDecision.Approve, null, Now, 3),
            new PromotionApproval("xcn_u_9002", ApproverRole.XcnAdmin, ApprovalDecision.Approve, null, Now, 4),
            new PromotionApproval("rrr_a_0001", ApproverRole.RrrAdmin, ApprovalDecision.Reject, "Budget too high", Now, 5));

        var cut = Render<PromotionProgressView>(p => p
            .Add(v => v.Progress, PromotionProgress.From(promotion))
            .Add(v => v.Status, PromotionStatus.Rejected));

        Assert.Equal("XCN 1/2 · RRR 0/1", cut.Find("[data-testid=promotion-progress]").TextContent);
        Assert.Contains("waiting", cut.FindAll("[data-testid=xcn-step]")[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("Rejected by rrr_a_0001: Budget too high", cut.Find("[data-testid=promotion-rejection]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void History_ShowsARejectionAtRrr_Once_WhenItAlsoClosedTheRoundInTheLog()
    {
        var promotion = Promotion(
            new PromotionApproval("xcn_u_9002", ApproverRole.XcnAdmin, ApprovalDecision.Approve, null, Now.AddMinutes(1), 5),
            new PromotionApproval("rrr_a_0001", ApproverRole.RrrAdmin, ApprovalDecision.Reject, "Budget too high", Now.AddMinutes(2), 6));
        var request = new ApprovalRequest("apr_1", PromotionPolicy.Kind, "promo_1", "{}", 1, PromotionPolicy.Policy, "xcn_u_9001",
            ApprovalStatus.Rejected, Now, Now.AddDays(3), 4);
        ApprovalRecord Record(long seq, ApprovalAction action, string actor, string role, string? reason, int minutes) =>
            new(seq, new ApprovalRecordDraft("apr_1", action, actor, role, 1, reason, Now.AddMinutes(minutes)), "prev", "hash" + seq);
        var round = new ApprovalView(request,
        [
            Record(1, ApprovalAction.Requested, "xcn_u_9001", ApprovalRoles.XcnAdmin, null, 0),
            Record(2, ApprovalAction.Approved, "xcn_u_9002", ApprovalRoles.XcnAdmin, null, 1),
            Record(3, ApprovalAction.Rejected, "rrr_a_0001", ApprovalRoles.RrrAdmin, "Budget too high", 3),
        ]);

        var cut = Render<PromotionHistory>(p => p
            .Add(h => h.Detail, new PromotionDetail(promotion with { Status = PromotionStatus.Rejected }, [round]))
            .Add(h => h.AdminId, "xcn_u_9001"));

        var steps = cut.FindAll("[data-testid=promotion-history] tbody tr").Select(r => r.QuerySelectorAll("td")[2].TextContent).ToList();
        Assert.Equal(["Rejected at RRR", "Approved", "Submitted for approval"], steps);
        Assert.Contains("rrr_a_0001 (RRR admin)", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("you (xcn_u_9001)", cut.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(PromotionsPage))]
    [InlineData(typeof(NewPromotionPage))]
    [InlineData(typeof(PromotionDetailPage))]
    public void Pages_RequireTheAdminPolicy(Type page)
    {
        var attribute = page.GetCustomAttributes(typeof(Microsoft.AspNetCore.Authorization.AuthorizeAttribute), true)
            .Cast<Microsoft.AspNetCore.Authorization.AuthorizeAttribute>().Single();

        Assert.Equal(global::Rrr.Portal.Auth.PortalPolicies.Admin, attribute.Policy);
    }

    private static Promotion Promotion(params PromotionApproval[] approvals) => new(
        "promo_1", "Winter", PromotionKind.Multiplier, 2m, Now.AddDays(1), Now.AddDays(10), PromotionAudience.AllMembers, 1000,
        PromotionStatus.PendingApproval, "xcn_u_9001", 6, approvals, Now, Now);
}
