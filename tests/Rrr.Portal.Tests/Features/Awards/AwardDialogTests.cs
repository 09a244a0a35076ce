using Bunit;
using FluentValidation;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using Rrr.Core.Features.Awards;
using Rrr.Portal.Features.Awards;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Awards;

/// <summary>The award dialog over the real <see cref="AwardService"/>, a real SQLite store and a fake of RRR's awards API.</summary>
public sealed class AwardDialogTests : PortalComponentTest
{
    private static readonly LiveRoom Room = new("room_luna", "stream_luna", "Luna's live room",
        [new RoomViewer("xcn_u_1003", "oli"), new RoomViewer("xcn_u_1004", "pia")]);

    private readonly AwardHarness harness = new();
    private readonly IRenderedComponent<MudDialogProvider> provider;
    private IDialogReference? dialog;

    public AwardDialogTests()
    {
        Services.AddSingleton(harness.CreateService());
        Services.AddSingleton<IValidator<AwardRequest>>(new AwardRequestValidator(Options.Create(harness.Options), TestLocalizer.For<AwardMessages>()));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        provider = Render<MudDialogProvider>();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        harness.Dispose();
    }

    private async Task OpenAsync(string? viewer, long[]? presets = null)
    {
        var parameters = new DialogParameters<AwardDialog>
        {
            { d => d.Room, Room },
            { d => d.Viewers, [new RoomViewerView("xcn_u_1003", "oli", ViewerLinkHint.Linked), new RoomViewerView("xcn_u_1004", "pia", ViewerLinkHint.NotLinked)] },
            { d => d.ViewerXcnUserId, viewer },
            { d => d.Presets, presets ?? [10L, 50L, 100L, 500L] },
            { d => d.MaxPoints, 10_000L },
        };
        dialog = await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<AwardDialog>("Award points", parameters));
    }

    private void ChoosePreset(string label) =>
        provider.FindAll("[data-testid=award-preset]").Single(c => c.TextContent.Trim() == label).Click();

    private void Continue() => provider.Find("[data-testid=award-continue]").Click();

    [Fact]
    public async Task PresetThenConfirm_ShowsViewerPointsRoomAndStream_AndClosesWithTheCommittedAward()
    {
        await OpenAsync("xcn_u_1003");

        ChoosePreset("50");
        Continue();

        provider.WaitForAssertion(() => Assert.Equal("oli", provider.Find("[data-testid=summary-viewer]").TextContent.Trim()));
        Assert.Equal("50", provider.Find("[data-testid=summary-points]").TextContent.Trim());
        Assert.Contains("room_luna", provider.Find("[data-testid=summary-room]").TextContent, StringComparison.Ordinal);
        Assert.Equal("stream_luna", provider.Find("[data-testid=summary-stream]").TextContent.Trim());

        provider.Find("[data-testid=award-confirm]").Click();

        var result = await dialog!.Result.WaitAsync(TimeSpan.FromSeconds(10), Xunit.TestContext.Current.CancellationToken);
        var award = Assert.IsType<AwardResult>(result!.Data);
        Assert.Equal((AwardOutcome.Awarded, 50L, "room_luna", "stream_luna"), (award.Outcome, award.Award!.Points, award.Award.RoomId, award.Award.StreamId));
        Assert.Single(harness.Awards.Committed);
    }

    [Fact]
    public async Task InSpanish_TheDialogAndItsRules_SpeakSpanish_WithSpanishNumbers()
    {
        UseCulture("es");
        await OpenAsync(null, [10L, 1_000L]);

        provider.WaitForAssertion(() => Assert.Equal("Premiar con puntos", provider.Find("#award-dialog-title").TextContent.Trim()));
        var text = provider.Find(".mud-dialog").TextContent;
        Assert.Contains("De 1 a 10.000 puntos", text, StringComparison.Ordinal);
        Assert.Equal("1.000 puntos", provider.FindAll("[data-testid=award-preset]")[^1].GetAttribute("aria-label"));

        Continue();

        provider.WaitForAssertion(() => Assert.Contains("Elige un espectador.", provider.Find(".mud-dialog").TextContent, StringComparison.Ordinal));
        Assert.Contains("Elige o escribe una cantidad de puntos.", provider.Find(".mud-dialog").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InSpanish_TheConfirmStep_ShowsSpanishPoints()
    {
        UseCulture("es");
        await OpenAsync("xcn_u_1003", [10L, 1_000L]);

        ChoosePreset("1.000");
        Continue();

        provider.WaitForAssertion(() => Assert.Equal("1.000", provider.Find("[data-testid=summary-points]").TextContent.Trim()));
        Assert.Contains("Los puntos salen de tu saldo al momento", provider.Find(".mud-dialog").TextContent, StringComparison.Ordinal);
        Assert.Contains("Confirmar premio", provider.Find("[data-testid=award-confirm]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoubleClickOnConfirm_DisablesTheButton_AndAwardsOnce()
    {
        harness.Awards.IntentGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await OpenAsync("xcn_u_1003");
        ChoosePreset("100");
        Continue();

        var confirm = provider.WaitForElement("[data-testid=award-confirm]");
        confirm.Click();
        provider.WaitForAssertion(() => Assert.True(provider.Find("[data-testid=award-confirm]").HasAttribute("disabled")));
        await provider.InvokeAsync(() => provider.Find("[data-testid=award-confirm]").Click());
        harness.Awards.IntentGate.SetResult();

        await dialog!.Result.WaitAsync(TimeSpan.FromSeconds(10), Xunit.TestContext.Current.CancellationToken);
        Assert.Single(harness.Awards.Committed);
        Assert.Equal(9_900, harness.Awards.Balances["rrr_m_2001"]);
    }

    [Fact]
    public async Task UnlinkedViewer_IsRefusedWithTheHelpfulMessage_AndTheDialogStaysOpen()
    {
        await OpenAsync("xcn_u_1004");
        ChoosePreset("10");
        Continue();
        provider.WaitForElement("[data-testid=award-confirm]").Click();

        provider.WaitForAssertion(() => Assert.Contains(
            "has not linked a RedRoomRewards account yet", provider.Find("[data-testid=award-message]").TextContent, StringComparison.Ordinal));
        Assert.Contains("link their account", provider.Find("[data-testid=award-message]").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(provider.FindAll("[data-testid=award-continue]"));
        Assert.False(dialog!.Result.IsCompleted);
        Assert.Empty(harness.Awards.Committed);
    }

    [Fact]
    public async Task ContinueWithoutViewerOrPoints_ShowsFieldMessages()
    {
        await OpenAsync(viewer: null);

        Continue();

        provider.WaitForAssertion(() => Assert.Contains("Choose a viewer.", provider.Markup, StringComparison.Ordinal));
        Assert.Contains("Choose or enter an amount of points.", provider.Markup, StringComparison.Ordinal);
        Assert.Empty(provider.FindAll("[data-testid=award-confirm]"));
    }

    [Fact]
    public async Task CustomAmount_AboveTheMaximum_IsRefusedOnTheField()
    {
        await OpenAsync("xcn_u_1003");

        provider.Find("input[data-testid=award-custom], [data-testid=award-custom] input").Input("20000");
        Continue();

        provider.WaitForAssertion(() => Assert.Contains("Points must be a whole number from 1 to 10,000.", provider.Markup, StringComparison.Ordinal));
        Assert.Empty(harness.Awards.IntentBodies);
    }
}
