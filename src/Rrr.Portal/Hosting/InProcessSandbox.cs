using Rrr.Sandbox;

namespace Rrr.Portal.Hosting;

/// <summary>Runs the RRR sandbox on its own Kestrel port inside the portal process (Development only).</summary>
internal sealed partial class InProcessSandbox(
    IOptions<SandboxHostOptions> options,
    IOptions<StoreOptions> store,
    IOptions<Features.Earn.InternalApiOptions> internalApi,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<InProcessSandbox> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var portalUrls = PortalUrls.From(configuration).ToList();
        var settings = new SandboxSettings
        {
            Url = options.Value.Url,
            ClientId = SandboxHostOptions.DevClientId,
            ClientSecret = SandboxHostOptions.DevClientSecret,
            RedirectUris = portalUrls.Select(u => new Uri(u, "signin-oidc")).ToList(),
            PostLogoutRedirectUris = portalUrls.Select(u => new Uri(u, "signout-callback-oidc")).ToList(),
            DataFolder = Path.Combine(store.Value.ResolveDataFolder(environment.ContentRootPath), "sandbox"),
            WebhookUrl = new Uri(portalUrls[0], "webhooks/rrr"),
            PortalUrl = portalUrls[0],
            PortalInternalKey = internalApi.Value.ApiKeys.FirstOrDefault(k => !string.IsNullOrWhiteSpace(k)) ?? SandboxSettings.DevInternalKey,
        };
        _app = SandboxApp.Build(settings, environment.EnvironmentName);
        await _app.StartAsync(cancellationToken);
        LogStarted(logger, settings.Url);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "RRR sandbox (dev identity provider + RRR stand-in) listening on {SandboxUrl}")]
    private static partial void LogStarted(ILogger logger, Uri sandboxUrl);
}
