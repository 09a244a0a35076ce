namespace Rrr.E2E.Infrastructure;

/// <summary>
/// The real portal process and one chromium, shared by every test in <see cref="PortalCollection"/>:
/// the app starts once per E2E run.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    private PortalProcess? _portal;

    public BrowserFixture Browser { get; } = new();

    public PortalProcess Portal => _portal ?? throw new InvalidOperationException("The portal fixture has not been initialised.");

    public string BaseUrl => Portal.BaseUrl;

    public string SandboxUrl => Portal.SandboxUrl;

    public async ValueTask InitializeAsync()
    {
        try
        {
            // The browser first: a missing chromium is the quicker and clearer failure.
            await Browser.InitializeAsync();
            _portal = await PortalProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
            await WarmUpAsync(_portal);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The first request to each part (the OpenID provider, the sign-in page, the RRR API) pays for JIT and
    /// model building, seconds on a loaded machine; paying it here keeps each test's own waits honest.
    /// </summary>
    internal static async Task WarmUpAsync(PortalProcess portal)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMinutes(2) };
        foreach (var url in new[]
        {
            portal.SandboxUrl + "/.well-known/openid-configuration",
            portal.SandboxUrl + "/account/login",
            portal.SandboxUrl + "/sandbox/members",
            portal.BaseUrl + "/",
        })
        {
            using var response = await http.GetAsync(new Uri(url), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The member's wallet as the sandbox (RRR) holds it right now.</summary>
    public Task<SandboxWallet> SandboxWalletAsync(string rrrMemberId) => SandboxWallets.ReadAsync(SandboxUrl, rrrMemberId);

    /// <summary>A page in a fresh context whose relative URLs resolve against the portal.</summary>
    public Task<Microsoft.Playwright.IPage> NewPageAsync() => Browser.NewPageAsync(BaseUrl);

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
            _portal = null;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "Portal";
}

/// <summary>Tests that need only the browser (no portal) share one chromium.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

/// <summary>Base for tests against the running portal: a fresh context per test with the portal as base URL.</summary>
public abstract class PortalTestBase(PortalFixture fixture) : BrowserTestBase(fixture.Browser, fixture.BaseUrl)
{
    protected PortalFixture Fixture { get; } = fixture;

    protected PortalProcess Portal => Fixture.Portal;
}
