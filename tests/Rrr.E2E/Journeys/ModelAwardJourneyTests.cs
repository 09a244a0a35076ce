using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Journeys;

/// <summary>
/// Luna in her live room, against the real portal and its in-process sandbox: awards oli (both wallets move by
/// the amount), is refused for pia with RRR's helpful message (nothing moves), sees the award in her history.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class ModelAwardJourneyTests(PortalFixture fixture) : PortalTestBase(fixture)
{
    private const string Luna = "rrr_m_2001";
    private const string Oli = "rrr_m_1003";

    protected override float? PageTimeoutMs => 60_000;

    [Fact]
    public async Task Luna_AwardsLinkedOli_IsRefusedForUnlinkedPia_AndSeesTheAwardInHerHistory()
    {
        await SignInAsLunaAsync();
        await Page.GotoAsync("/model/room");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("room-title")).ToHaveTextAsync("Luna's live room");
        await Expect(Page.GetByTestId("viewer-row")).ToHaveCountAsync(3);
        await Expect(Page.Locator("[data-viewer=xcn_u_1003] [data-testid=viewer-link-hint]")).ToHaveAttributeAsync("data-hint", "Linked");
        await Expect(Page.Locator("[data-viewer=xcn_u_1004] [data-testid=viewer-link-hint]")).ToHaveAttributeAsync("data-hint", "NotLinked");
        await Expect(Page.GetByTestId("model-balance")).ToBeVisibleAsync();

        var lunaBefore = (await Fixture.SandboxWalletAsync(Luna)).Available;
        var oliBefore = (await Fixture.SandboxWalletAsync(Oli)).Available;
        await Expect(Page.GetByTestId("model-balance")).ToHaveAttributeAsync("data-value", Text(lunaBefore));

        // oli, 50 points: pick, confirm (the confirm step names viewer, points, room and stream), awarded.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Award oli" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("50 points").ClickAsync();
        await AxeAsync("award dialog");
        await SaveScreenshotAsync("model-award-dialog-desktop");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(dialog.GetByTestId("summary-viewer")).ToHaveTextAsync("oli");
        await Expect(dialog.GetByTestId("summary-points")).ToHaveTextAsync("50");
        await Expect(dialog.GetByTestId("summary-room")).ToContainTextAsync("xcn_room_2001");
        await Expect(dialog.GetByTestId("summary-stream")).ToHaveTextAsync("xcn_stream_2001_live");
        await SaveScreenshotAsync("model-award-confirm-desktop");
        // A double click on confirm: the button disables itself and the dialog id keys both RRR calls.
        await dialog.GetByTestId("award-confirm").DblClickAsync();
        await Expect(Page.GetByText("Awarded 50 points to oli.")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("model-balance")).ToHaveAttributeAsync("data-value", Text(lunaBefore - 50));
        Assert.Equal(lunaBefore - 50, (await Fixture.SandboxWalletAsync(Luna)).Available);
        Assert.Equal(oliBefore + 50, (await Fixture.SandboxWalletAsync(Oli)).Available);

        // pia has no RRR account: refused with RRR's message, nothing moves.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Award pia" }).ClickAsync();
        dialog = Page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("10 points").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await dialog.GetByTestId("award-confirm").ClickAsync();
        var message = dialog.GetByTestId("award-message");
        await Expect(message).ToContainTextAsync("has not linked a RedRoomRewards account yet");
        await Expect(message).ToContainTextAsync("link their account");
        await SaveScreenshotAsync("model-award-not-linked-desktop");
        Assert.Equal(lunaBefore - 50, (await Fixture.SandboxWalletAsync(Luna)).Available);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await AxeAsync("live room");
        await SaveScreenshotAsync("model-room-desktop");
        await BrowserFixture.ResizeToPhoneAsync(Page);
        await Expect(Page.GetByTestId("viewer-row").First).ToBeVisibleAsync();
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);
        await SaveScreenshotAsync("model-room-375px");

        // History: newest first, with room and stream; the refusal is listed too.
        await Page.SetViewportSizeAsync(1280, 800);
        await Page.GotoAsync("/model/awards");
        await WaitForInteractiveAsync();
        var awarded = Page.Locator("tr.award-row").Filter(new() { Has = Page.Locator("[data-status=COMMITTED]") }).First;
        await Expect(awarded.GetByTestId("award-viewer-cell")).ToHaveTextAsync("oli");
        await Expect(awarded.GetByTestId("award-points-cell")).ToHaveTextAsync("50");
        await Expect(awarded.GetByTestId("award-room-cell")).ToHaveTextAsync("xcn_room_2001");
        await Expect(awarded.GetByTestId("award-stream-cell")).ToHaveTextAsync("xcn_stream_2001_live");
        await Expect(Page.Locator("tr.award-row").First.GetByTestId("award-status")).ToHaveAttributeAsync("data-status", "REFUSED");
        await AxeAsync("award history");
        await SaveScreenshotAsync("model-awards-desktop");
        await BrowserFixture.ResizeToPhoneAsync(Page);
        await PhoneLayout.AssertNoHorizontalOverflowAsync(Page);
        await SaveScreenshotAsync("model-awards-375px");
    }

    [Fact]
    public async Task AnAwardRrrReverses_ShowsAsReversedInLunasHistory()
    {
        await SignInAsLunaAsync();
        await Page.GotoAsync("/model/room");
        await WaitForInteractiveAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Award oli" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("10 points").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await dialog.GetByTestId("award-confirm").ClickAsync();
        await Expect(Page.GetByText("Awarded 10 points to oli.")).ToBeVisibleAsync();

        // RRR takes it back (the sandbox stands in for RRR's support tools): TRANSFER_REVERSED reaches the portal.
        using var sandbox = SandboxWallets.CreateRrrClient(Fixture.SandboxUrl, "e2e-award-reversal");
        using var listed = await sandbox.GetFromJsonAsync<JsonDocument>($"sandbox/awards?model_member_id={Luna}", TestContext.Current.CancellationToken);
        var awardId = listed!.RootElement.GetProperty("items").EnumerateArray()
            .First(a => a.GetProperty("status").GetString() == "COMMITTED" && a.GetProperty("points").GetInt64() == 10)
            .GetProperty("award_id").GetString();
        using var reversed = await sandbox.PostAsync(new Uri($"sandbox/awards/{awardId}/reverse", UriKind.Relative), null, TestContext.Current.CancellationToken);
        reversed.EnsureSuccessStatusCode();

        await Page.GotoAsync("/model/awards");
        await WaitForInteractiveAsync();
        var newest = Page.Locator("tr.award-row").First;
        await Expect(newest.GetByTestId("award-points-cell")).ToHaveTextAsync("10");
        await Expect(newest.GetByTestId("award-status")).ToHaveAttributeAsync("data-status", "REVERSED", new() { Timeout = 30_000 });
        await Expect(newest.GetByTestId("award-status")).ToHaveTextAsync("Reversed by RRR");
        await SaveScreenshotAsync("model-awards-reversed-desktop");
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private Task AxeAsync(string where) => Accessibility.AssertNoSeriousViolationsAsync(Page, where);

    private async Task SignInAsLunaAsync()
    {
        await SandboxSignIn.SignInThroughPortalAsync(Page, "Luna Model", "/model");
    }

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
