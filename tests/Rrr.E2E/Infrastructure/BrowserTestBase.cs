using Microsoft.Playwright;

namespace Rrr.E2E.Infrastructure;

/// <summary>
/// Base for browser tests: a fresh context and page per test (xunit makes one class instance per test),
/// closed afterwards; a failed test leaves a screenshot under test-output/screenshots/failed-*.png and
/// writes the page's console errors to the test output.
/// </summary>
public abstract class BrowserTestBase(BrowserFixture browser, string? baseUrl = null) : IAsyncLifetime
{
    private readonly List<string> _consoleErrors = [];
    private IBrowserContext? _context;
    private IPage? _page;

    protected BrowserFixture Browser { get; } = browser;

    protected IPage Page => _page ?? throw new InvalidOperationException("The page is created in InitializeAsync.");

    protected IReadOnlyList<string> ConsoleErrors => _consoleErrors;

    /// <summary>
    /// Set by journeys to raise the page's default and navigation timeouts: the full suite shares two cores with other
    /// builds, and sign-in redirects can take longer than the context's defaults. Null keeps the context's.
    /// </summary>
    protected virtual float? PageTimeoutMs => null;

    public virtual async ValueTask InitializeAsync()
    {
        _context = await Browser.NewContextAsync(baseUrl);
        _page = await _context.NewPageAsync();
        if (PageTimeoutMs is { } timeoutMs)
        {
            _page.SetDefaultTimeout(timeoutMs);
            _page.SetDefaultNavigationTimeout(timeoutMs);
        }

        _page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_consoleErrors)
                {
                    _consoleErrors.Add(message.Text);
                }
            }
        };
        _page.PageError += (_, error) =>
        {
            lock (_consoleErrors)
            {
                _consoleErrors.Add("page error: " + error);
            }
        };
    }

    protected Task WaitForInteractiveAsync(float timeoutMs = 30_000) => BrowserFixture.WaitForInteractiveAsync(Page, timeoutMs);

    protected Task<string> SaveScreenshotAsync(string name) => BrowserFixture.SaveScreenshotAsync(Page, name);

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_page is not null && TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            var output = TestContext.Current.TestOutputHelper;
            try
            {
                var name = "failed-" + (TestContext.Current.Test?.TestDisplayName ?? GetType().Name);
                var path = await BrowserFixture.SaveScreenshotAsync(_page, name);
                output?.WriteLine($"Screenshot of the failed test: {path} (page {_page.Url})");
            }
            catch (PlaywrightException ex)
            {
                output?.WriteLine("Could not take a screenshot of the failed test: " + ex.Message);
            }

            lock (_consoleErrors)
            {
                foreach (var line in _consoleErrors)
                {
                    output?.WriteLine("browser console: " + line);
                }
            }
        }

        if (_context is not null)
        {
            await _context.CloseAsync();
            _context = null;
        }
    }
}
