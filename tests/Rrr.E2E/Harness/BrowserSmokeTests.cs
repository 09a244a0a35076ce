using Microsoft.Playwright;
using Rrr.E2E.Infrastructure;

namespace Rrr.E2E.Harness;

/// <summary>Proves the browser plumbing (Playwright driver + Debian chromium) without the portal.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserSmokeTests(BrowserFixture browser) : BrowserTestBase(browser)
{
    [Fact]
    public async Task Chromium_clicks_a_button_and_the_text_changes()
    {
        await Page.SetContentAsync("""
            <!doctype html>
            <html><body>
              <main>
                <p id="status">Waiting</p>
                <button id="go" onclick="document.getElementById('status').textContent = 'Clicked'">Go</button>
              </main>
            </body></html>
            """);

        await Assertions.Expect(Page.Locator("#status")).ToHaveTextAsync("Waiting");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Go" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#status")).ToHaveTextAsync("Clicked");

        var path = await SaveScreenshotAsync("harness-browser-smoke");
        Assert.True(new FileInfo(path).Length > 0, $"Screenshot {path} is empty.");
        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task WaitForInteractive_waits_for_the_attribute_a_circuit_sets()
    {
        await Page.SetContentAsync("""
            <!doctype html>
            <html><body>
              <div id="layout"><button id="b" onclick="this.textContent = 'Done'">Start</button></div>
            </body></html>
            """);

        var waiting = WaitForInteractiveAsync(timeoutMs: 15_000);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted, "WaitForInteractiveAsync returned before the page was interactive");

        // What the layout component does in OnAfterRenderAsync(firstRender).
        await Page.EvaluateAsync("() => document.getElementById('layout').setAttribute('data-interactive', 'true')");
        await waiting;

        await Page.ClickAsync("#b");
        await Assertions.Expect(Page.Locator("#b")).ToHaveTextAsync("Done");
    }

    [Fact]
    public async Task WaitForInteractive_fails_with_a_clear_message_when_the_circuit_never_connects()
    {
        await Page.SetContentAsync("<div id='layout'>static only</div>");

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => WaitForInteractiveAsync(timeoutMs: 500));
        Assert.Contains("did not become interactive", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Launch_arguments_are_the_ones_TESTING_md_lists()
    {
        Assert.Equal(
            ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            BrowserFixture.LaunchArgs);
        Assert.True(File.Exists(Browser.ChromiumPath), $"chromium at '{Browser.ChromiumPath}' does not exist");
    }
}
