namespace Rrr.Sandbox;

/// <summary>Standalone entry point: <c>dotnet run --project src/Rrr.Sandbox -- --url http://127.0.0.1:5081 --portal http://localhost:5080</c>
/// (optional <c>--listen</c> when a proxy fronts <c>--url</c>, <c>--api-key</c>, <c>--internal-key</c>, <c>--webhook-secrets "whsec_a whsec_b"</c>, <c>--data</c>).</summary>
public static class SandboxProgram
{
    public static async Task Main(string[] args)
    {
        var config = new ConfigurationBuilder()
            .AddEnvironmentVariables("RRR_SANDBOX_")
            .AddCommandLine(args)
            .Build();
        var url = new Uri(config["url"] ?? "http://127.0.0.1:5081");
        var portal = new Uri(config["portal"] ?? "http://localhost:5080");
        var settings = new SandboxSettings
        {
            Url = url,
            ListenUrl = config["listen"] is { Length: > 0 } listen ? new Uri(listen) : null,
            RedirectUris = [new Uri(portal, "/signin-oidc")],
            PostLogoutRedirectUris = [new Uri(portal, "/signout-callback-oidc")],
            DataFolder = config["data"] ?? "data/sandbox",
            WebhookUrl = new Uri(portal, "/webhooks/rrr"),
            PortalUrl = portal,
            PortalInternalKey = config["internal-key"] ?? SandboxSettings.DevInternalKey,
            ApiKey = config["api-key"] ?? SandboxSettings.DevApiKey,
            WebhookSecrets = config["webhook-secrets"] is { Length: > 0 } secrets
                ? secrets.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                : [SandboxSettings.DevWebhookSecret],
        };
        await using var app = SandboxApp.Build(settings, environmentName: config["environment"] ?? "Development");
        await app.RunAsync();
    }
}
