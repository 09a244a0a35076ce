using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Tests.Support;

/// <summary>
/// The real portal pipeline on TestServer, with a fixed OIDC configuration (no network) and a header-driven
/// test identity: send <c>X-Test-Roles: member</c> to be a signed-in member; no header means anonymous.
/// </summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    public const string Authority = "https://idp.example.test/";
    public const string RolesHeader = "X-Test-Roles";

    /// <summary>Optional: the signed-in user's <c>sub</c> (default <c>xcn_u_test</c>), for per-user behaviour such as rate limits.</summary>
    public const string SubHeader = "X-Test-Sub";

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "rrr-portal-tests", Guid.NewGuid().ToString("N"));

    /// <summary>What the stubbed identity provider discovery endpoint answers (health checks).</summary>
    public HttpStatusCode IdentityProviderStatus { get; set; } = HttpStatusCode.OK;

    public HttpClient CreateClientAs(params string[] roles)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (roles.Length > 0)
        {
            client.DefaultRequestHeaders.Add(RolesHeader, string.Join(',', roles));
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Sandbox:Enabled", "false");
        builder.UseSetting("Oidc:Authority", Authority);
        builder.UseSetting("Oidc:ClientId", "portal-tests");
        builder.UseSetting("Oidc:ClientSecret", "portal-tests-secret");
        builder.UseSetting("Store:DataFolder", _dataFolder);
        builder.UseSetting("Rrr:BaseUrl", "http://rrr.example.test/");
        builder.UseSetting("Rrr:ApiKey", "portal-tests-key");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, ApiTraffic.StartupFilter>(); // OpenApiContractTests
            services.PostConfigure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o =>
            {
                o.Configuration = new OpenIdConnectConfiguration
                {
                    Issuer = Authority,
                    AuthorizationEndpoint = Authority + "connect/authorize",
                    TokenEndpoint = Authority + "connect/token",
                    EndSessionEndpoint = Authority + "connect/endsession",
                };
                o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(o.Configuration);
            });
            services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, HeaderAuthHandler>(HeaderAuthHandler.SchemeName, null);
            services.PostConfigure<AuthenticationOptions>(o => o.DefaultAuthenticateScheme = HeaderAuthHandler.SchemeName);
            services.AddHttpClient(IdentityProviderHealthCheck.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new StubHandler(() => IdentityProviderStatus));
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_dataFolder))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dataFolder, recursive: true);
        }
    }

    private sealed class HeaderAuthHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "TestHeader";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(RolesHeader, out var roles))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity(SchemeName, "name", "role");
            identity.AddClaim(new Claim("sub", Request.Headers.TryGetValue(SubHeader, out var sub) ? sub.ToString() : "xcn_u_test"));
            identity.AddClaim(new Claim("name", "Test Person"));
            foreach (var role in roles.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                identity.AddClaim(new Claim("role", role));
            }

            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }

    private sealed class StubHandler(Func<HttpStatusCode> status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status()));
    }
}
