using Microsoft.Playwright;

namespace Rrr.E2E.Infrastructure;

/// <summary>
/// One headless Debian chromium, driven by Playwright, per test collection. Each test gets a fresh
/// browser context (own cookies and storage) from <see cref="NewPageAsync"/>.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPathVariable = "RRR_CHROMIUM_PATH";

    public const string ChromiumNotFoundMessage =
        "Chromium not found. Install it with: sudo apt-get install -y chromium (or set RRR_CHROMIUM_PATH)";

    /// <summary>The launch arguments from shared/design/TESTING.md.</summary>
    public static readonly IReadOnlyList<string> LaunchArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    private readonly List<IBrowserContext> _contexts = [];
    private readonly Lock _gate = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser fixture has not been initialised.");

    public string ChromiumPath { get; private set; } = "";

    /// <summary>
    /// <c>RRR_CHROMIUM_PATH</c> if set, else <c>/usr/bin/chromium</c>, else <c>chromium</c> on PATH; null if none exists.
    /// </summary>
    public static string? FindChromium()
    {
        var configured = Environment.GetEnvironmentVariable(ChromiumPathVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        if (File.Exists("/usr/bin/chromium"))
        {
            return "/usr/bin/chromium";
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "chromium.exe" : "chromium");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public async ValueTask InitializeAsync()
    {
        var chromium = FindChromium();
        if (chromium is null)
        {
            var configured = Environment.GetEnvironmentVariable(ChromiumPathVariable);
            throw new InvalidOperationException(
                string.IsNullOrWhiteSpace(configured)
                    ? ChromiumNotFoundMessage
                    : $"{ChromiumNotFoundMessage}. {ChromiumPathVariable} is set to '{configured}', which does not exist.");
        }

        ChromiumPath = chromium;
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = LaunchArgs,
        });
    }

    /// <summary>A fresh browser context; closed when the test's <see cref="BrowserTestBase"/> is disposed, or at the latest with the fixture.</summary>
    /// <param name="locale">The browser's language (its Accept-Language), e.g. <c>es-ES</c> for a Spanish browser.</param>
    /// <param name="timezoneId">The browser's time zone (an IANA id); member pages show times in it.</param>
    public async Task<IBrowserContext> NewContextAsync(string? baseUrl = null, string locale = "en-GB", string timezoneId = "UTC")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            Locale = locale,
            TimezoneId = timezoneId,
        });

        // Generous on purpose: a 2-core CI box running the whole suite can take tens of seconds for a
        // first sign-in; a passing step never waits for it, so only real hangs pay the price.
        context.SetDefaultNavigationTimeout(60_000);
        context.SetDefaultTimeout(30_000);
        lock (_gate)
        {
            _contexts.Add(context);
        }

        context.Close += (_, closed) =>
        {
            lock (_gate)
            {
                _contexts.Remove(closed);
            }
        };
        return context;
    }

    /// <summary>A page in a fresh browser context (relative URLs resolve against <paramref name="baseUrl"/>).</summary>
    public async Task<IPage> NewPageAsync(string? baseUrl = null)
    {
        var context = await NewContextAsync(baseUrl);
        return await context.NewPageAsync();
    }

    public const int PhoneWidth = 375;

    /// <summary>
    /// Narrows the page to a 375 px phone and waits for the shell to settle: below MudBlazor's Md breakpoint the
    /// responsive nav drawer closes (the circuit hears the resize) and the content slides back to x = 0 over a
    /// short CSS transition. A screenshot taken straight after the resize caught that slide half-way, which
    /// looked like the drawer keeping its space; a drawer that really stays open fails here, naming the state.
    /// </summary>
    public static async Task ResizeToPhoneAsync(IPage page, float timeoutMs = 10_000)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.SetViewportSizeAsync(PhoneWidth, 812);
        try
        {
            await page.WaitForFunctionAsync(PhoneLayoutSettled, null, new() { Timeout = timeoutMs });
        }
        catch (TimeoutException ex)
        {
            var state = await page.EvaluateAsync<string>(PhoneLayoutState);
            throw new TimeoutException($"At {PhoneWidth} px the layout of {page.Url} did not settle within {timeoutMs / 1000:0.#} s: {state}", ex);
        }
    }

    // No shell (a sandbox page) is settled at once; otherwise the content starts at the left edge and the drawer,
    // if the page has one, has slid out of view.
    private const string PhoneLayoutSettled = """
        () => {
          const main = document.querySelector('.mud-main-content');
          const drawer = document.querySelector('.mud-drawer');
          return (!main || main.getBoundingClientRect().left < 1) && (!drawer || drawer.getBoundingClientRect().right < 1);
        }
        """;

    private const string PhoneLayoutState = """
        () => {
          const main = document.querySelector('.mud-main-content');
          const drawer = document.querySelector('.mud-drawer');
          return 'content left ' + (main ? Math.round(main.getBoundingClientRect().left) : 'n/a')
            + ', drawer right ' + (drawer ? Math.round(drawer.getBoundingClientRect().right) + ' (' + drawer.className + ')' : 'n/a');
        }
        """;

    /// <summary>
    /// Waits until the Blazor circuit is interactive: the layout sets <c>data-interactive="true"</c> in
    /// <c>OnAfterRenderAsync(firstRender)</c>. Clicking before that does nothing.
    /// </summary>
    public static async Task WaitForInteractiveAsync(IPage page, float timeoutMs = 30_000)
    {
        ArgumentNullException.ThrowIfNull(page);
        try
        {
            await page.WaitForSelectorAsync(
                "[data-interactive='true']",
                new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = timeoutMs });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(
                $"The page at {page.Url} did not become interactive ([data-interactive='true']) within {timeoutMs / 1000:0.#} s.", ex);
        }
    }

    /// <summary>Saves a full-page PNG as <c>&lt;repo&gt;/test-output/screenshots/&lt;name&gt;.png</c> and returns its path.</summary>
    public static async Task<string> SaveScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var path = ScreenshotPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public static string ScreenshotPath(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        // Portable names: test display names carry quotes, parentheses and the like.
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());
        if (safe.Length > 150)
        {
            safe = safe[..150];
        }

        if (safe.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            safe = safe[..^4];
        }

        return Path.Combine(RepoPaths.Screenshots, safe + ".png");
    }

    public async ValueTask DisposeAsync()
    {
        IBrowserContext[] open;
        lock (_gate)
        {
            open = [.. _contexts];
        }

        foreach (var context in open)
        {
            await context.CloseAsync();
        }

        if (_browser is not null)
        {
            await _browser.CloseAsync();
            await _browser.DisposeAsync();
            _browser = null;
        }

        _playwright?.Dispose();
        _playwright = null;
    }
}
