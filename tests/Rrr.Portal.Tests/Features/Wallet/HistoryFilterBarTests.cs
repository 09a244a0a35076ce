using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features.Wallet;
using Rrr.Portal.Features.Wallet;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Wallet;

/// <summary>The filter bar's field-level date rules, what it applies, and the export link it offers.</summary>
public sealed class HistoryFilterBarTests : PortalComponentTest
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 31, 22, 0, 0, TimeSpan.Zero);

    private readonly List<HistoryFilter> applied = [];

    public HistoryFilterBarTests()
    {
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(T0));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private IRenderedComponent<HistoryFilterBar> RenderBar(HistoryFilter? filter = null) => Render<HistoryFilterBar>(p => p
        .Add(b => b.Applied, filter ?? HistoryFilter.Everything)
        .Add(b => b.OnApply, (HistoryFilter f) => applied.Add(f)));

    private static void Type(IRenderedComponent<HistoryFilterBar> cut, string testId, string value) =>
        cut.Find($"input[data-testid={testId}]").Change(value);

    private static string? FieldError(IRenderedComponent<HistoryFilterBar> cut, string testId) =>
        cut.Find($".mud-input-control:has(input[data-testid={testId}])").QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim();

    private static bool ApplyDisabled(IRenderedComponent<HistoryFilterBar> cut) =>
        cut.Find("[data-testid=history-filter-apply]").HasAttribute("disabled");

    [Fact]
    public void AFromDateInTheFuture_IsShownUnderTheField_AndCannotBeApplied()
    {
        var cut = RenderBar();

        Type(cut, "history-filter-from", "2026-04-01");

        cut.WaitForAssertion(() => Assert.Equal("From cannot be in the future.", FieldError(cut, "history-filter-from")));
        Assert.True(ApplyDisabled(cut));
        Assert.Null(FieldError(cut, "history-filter-to"));
    }

    [Fact]
    public void ToBeforeFrom_IsShownUnderTo_AndClearsOnceFixed()
    {
        var cut = RenderBar();

        Type(cut, "history-filter-from", "2026-03-10");
        Type(cut, "history-filter-to", "2026-03-09");

        cut.WaitForAssertion(() => Assert.Equal("To must be on or after From.", FieldError(cut, "history-filter-to")));
        Assert.True(ApplyDisabled(cut));

        Type(cut, "history-filter-to", "2026-03-31"); // today in UTC, though 22:00
        cut.WaitForAssertion(() => Assert.Null(FieldError(cut, "history-filter-to")));
        Assert.False(ApplyDisabled(cut));
    }

    [Fact]
    public void Apply_HandsOverTheFields_AsOneFilter()
    {
        var cut = RenderBar(new HistoryFilter([HistoryKind.Earned]));

        Type(cut, "history-filter-from", "2026-03-01");
        Type(cut, "history-filter-to", "2026-03-31");
        cut.Find("[data-testid=history-filter-apply]").Click();

        var filter = Assert.Single(applied);
        Assert.Equal(new HistoryFilter([HistoryKind.Earned], new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31)), filter);
    }

    [Fact]
    public void TheExportLink_CarriesTheAppliedFilter_NotUnappliedEdits()
    {
        var cut = RenderBar(new HistoryFilter([HistoryKind.Earned, HistoryKind.Awards], new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31)));

        Type(cut, "history-filter-from", "2026-02-01");

        var export = cut.Find("[data-testid=history-export]");
        Assert.Equal("member/history.csv?kind=earned&kind=awards&from=2026-03-01&to=2026-03-31", export.GetAttribute("href"));
        Assert.True(export.HasAttribute("download"));
        Assert.Empty(applied);
    }

    [Fact]
    public void Kinds_AreChosenFromTheList_SeveralAtOnce()
    {
        var cut = Render(b =>
        {
            b.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<HistoryFilterBar>(1);
            b.AddComponentParameter(2, nameof(HistoryFilterBar.OnApply), EventCallback.Factory.Create<HistoryFilter>(this, f => applied.Add(f)));
            b.CloseComponent();
        });

        cut.Find(".mud-select .mud-input-control:has(input[data-testid=history-filter-kind])").MouseDown(); // MudSelect opens on mouse down
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=history-kind-earned]")));
        cut.Find("[data-testid=history-kind-earned]").Click();
        cut.Find("[data-testid=history-kind-awards]").Click();
        cut.Find("[data-testid=history-filter-apply]").Click();

        Assert.Equal([HistoryKind.Earned, HistoryKind.Awards], Assert.Single(applied).Kinds);
    }

    [Fact]
    public void WithoutALedger_ThereIsNoExport()
    {
        var cut = Render<HistoryFilterBar>(p => p.Add(b => b.ExportEnabled, false));

        Assert.Empty(cut.FindAll("[data-testid=history-export]"));
    }
}
