using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Adjustments;
using Rrr.Core.Features.Promotions;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Promotions;
using Rrr.Portal.Features.Promotions;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Promotions;

/// <summary>The promotion pages in Spanish: texts and validation messages from the resources, numbers in the culture, times in UTC and saying so.</summary>
public sealed class PromotionSpanishTests : PortalComponentTest
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 13, 0, 0, TimeSpan.Zero);
    private readonly PromotionFormValidator validator = new(new FakeTimeProvider(Now), TestLocalizer.For<PromotionFormText>());

    public PromotionSpanishTests()
    {
        UseCulture("es");
        Services.AddSingleton(validator);
    }

    [Fact]
    public void TheList_IsInSpanish_WithSpanishNumbers_AndUtcWindows()
    {
        var promotion = new Promotion(
            "promo_1", "Invierno", PromotionKind.BonusPoints, 1500m, Now.AddDays(1), Now.AddDays(10), PromotionAudience.NewMembers, 12_500,
            PromotionStatus.Active, "xcn_u_9001", 3, [], Now, Now);
        var events = new PortalEvents(NullLogger<PortalEvents>.Instance);
        Services.AddSingleton<IPortalEvents>(events);
        Services.AddScoped<CircuitEvents>();
        Services.AddSingleton(new PromotionService(
            null!, null!, new ListOnlyApi([promotion]), null!, new Admin(), validator, events, new FakeTimeProvider(Now), TestLocalizer.For<PromotionServiceText>()));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var cut = Render<PromotionsPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-promotion-id=promo_1]")));
        Assert.Equal("Promociones", cut.Find("h1").TextContent.Trim());
        Assert.Contains("Nueva promoción", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Todas", cut.Find("[data-testid=status-filter]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Periodo (UTC)", cut.Markup, StringComparison.Ordinal);
        var row = cut.Find("[data-promotion-id=promo_1]").TextContent;
        Assert.Contains("+1.500 puntos de bonificación", row, StringComparison.Ordinal);
        Assert.Contains("12.500 pts", row, StringComparison.Ordinal);
        Assert.Contains("Miembros nuevos", row, StringComparison.Ordinal);
        Assert.Contains("2026-11-26 → 2026-12-05", row, StringComparison.Ordinal);
        Assert.Equal("Activa", cut.Find("[data-testid=promotion-status]").TextContent.Trim());
        Assert.Equal("XCN 0/2 · RRR 0/1", cut.Find("[data-testid=promotion-progress]").TextContent);
    }

    [Fact]
    public void TheEditor_IsInSpanish_AndSaysWhatToFixInSpanish()
    {
        var model = new PromotionForm { Kind = PromotionKind.BonusPoints, BudgetCapPoints = 0 };
        var cut = Render<PromotionEditor>(p => p
            .Add(e => e.Model, model)
            .Add(e => e.OnValidSubmit, (PromotionForm _) => { }));

        Assert.Contains("Empieza (UTC)", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("De 1 a 10.000.000", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Puntos enteros, de 1 a 100.000", cut.Markup, StringComparison.Ordinal);
        cut.FindAll("button").Single(b => b.TextContent.Contains("Guardar borrador", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("Escribe un nombre.", cut.Markup, StringComparison.Ordinal);
            Assert.Contains("Elige cuándo empieza.", cut.Markup, StringComparison.Ordinal);
            Assert.Contains("El tope de presupuesto es de 1 a 10.000.000 puntos.", cut.Markup, StringComparison.Ordinal);
        });
        Assert.DoesNotContain("Enter a name.", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void TheValidator_SpeaksTheCurrentLanguage()
    {
        var form = new PromotionForm { Name = "Invierno", Kind = PromotionKind.BonusPoints, Value = 0m };

        var spanish = validator.MessagesFor(form, nameof(PromotionForm.Value));
        UseCulture("en");
        var english = validator.MessagesFor(form, nameof(PromotionForm.Value));

        Assert.Equal(["Los puntos de bonificación van de 1 a 100.000."], spanish);
        Assert.Equal(["Bonus points are 1 to 100,000."], english);
    }

    [Fact]
    public void TheProgress_IsInSpanish_WithItsTimeInUtc()
    {
        var promotion = new Promotion(
            "promo_1", "Invierno", PromotionKind.Multiplier, 1.5m, Now.AddDays(1), Now.AddDays(10), PromotionAudience.AllMembers, 1000,
            PromotionStatus.PendingApproval, "xcn_u_9001", 6,
            [new PromotionApproval("xcn_u_9002", ApproverRole.XcnAdmin, ApprovalDecision.Approve, null, Now, 3)], Now, Now);

        var cut = Render<PromotionProgressView>(p => p
            .Add(v => v.Progress, PromotionProgress.From(promotion))
            .Add(v => v.Status, PromotionStatus.PendingApproval)
            .Add(v => v.AdminId, "xcn_u_9002"));

        var steps = cut.FindAll("[data-testid=xcn-step]").Select(e => System.Text.RegularExpressions.Regex.Replace(e.TextContent, @"\s+", " ").Trim()).ToList();
        Assert.Contains("Admin de XCN 1: aprobada por ti (xcn_u_9002) el 2026-11-25 13:00 UTC", steps[0], StringComparison.Ordinal);
        Assert.Contains("Admin de XCN 2: en espera", steps[1], StringComparison.Ordinal);
        Assert.Contains("pendiente en RRR", cut.Find("[data-testid=rrr-step]").TextContent, StringComparison.Ordinal);
    }

    private sealed class Admin : IAdminIdentity
    {
        public Task<string?> GetAdminIdAsync(CancellationToken cancellationToken) => Task.FromResult<string?>("xcn_u_9001");
    }

    /// <summary>RRR for a list page: the list, nothing else.</summary>
    private sealed class ListOnlyApi(IReadOnlyList<Promotion> items) : IRrrPromotionsApi
    {
        public Task<PromotionList> ListAsync(PromotionStatus? status = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new PromotionList([.. items.Where(p => status is null || p.Status == status)]));

        public Task<Promotion> CreateAsync(CreatePromotionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Promotion> UpdateAsync(string promotionId, UpdatePromotionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Promotion> SubmitAsync(string promotionId, SubmitPromotionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Promotion> DecideAsync(string promotionId, ApprovalDecisionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Promotion> GetAsync(string promotionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
