using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;

namespace Rrr.Sandbox;

/// <summary>Builds the sandbox web application: a development identity provider plus RRR stand-ins.</summary>
public static class SandboxApp
{
    public const string CookieScheme = "sandbox";

    /// <param name="configureServices">Runs last, so tests can swap a service (e.g. the webhook publisher).</param>
    public static WebApplication Build(
        SandboxSettings settings, string environmentName = "Development", Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (string.Equals(environmentName, Environments.Production, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("The RRR sandbox is a development stand-in and refuses to run in Production.");
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SandboxApp).Assembly.GetName().Name,
            EnvironmentName = environmentName,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().UseUrls((settings.ListenUrl ?? settings.Url).GetLeftPart(UriPartial.Authority));
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(settings);

        builder.Services.AddAuthentication(CookieScheme)
            .AddCookie(CookieScheme, o =>
            {
                // The portal shares the host name (ports don't isolate cookies), so the name must differ from the portal's.
                o.Cookie.Name = "rrr.sandbox.session";
                o.LoginPath = "/account/login";
                o.AccessDeniedPath = "/account/login";
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
            });
        builder.Services.AddAuthorization();
        // Sandbox sign-in sessions survive a restart, like the portal's.
        builder.Services.AddDataProtection()
            .SetApplicationName("rrr-sandbox")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(settings.DataFolder, "keys")));
        builder.Services.AddAntiforgery(o => o.Cookie.Name = "rrr.sandbox.af");
        builder.Services.AddRazorComponents();
        builder.Services.AddSandboxIdentityProvider(settings);
        builder.Services.AddSingleton<SandboxDatabase>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SandboxClock>();
        builder.Services.AddHostedService<SandboxStartup>();
        builder.Services.AddSandboxWebhooks(settings);
        builder.Services.AddSandboxFaults();
        builder.Services.AddSandboxLedger();
        builder.Services.AddSandboxXcn();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        // Faults sit outside the API gate and idempotency, so an after-commit fault loses a response
        // whose idempotency record was already stored: the lost-response case keys exist for.
        app.UseSandboxFaults();
        app.UseSandboxLedgerApi();
        app.MapSandboxIdentityProvider();
        app.MapSandboxWebhooks().MapSandboxFaults().MapSandboxClock();
        app.MapSandboxLedger();
        app.MapSandboxXcn();
        app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        app.MapRazorComponents<SandboxRoot>();
        return app;
    }
}
