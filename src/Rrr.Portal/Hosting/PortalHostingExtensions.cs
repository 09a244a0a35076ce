using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Rrr.Core.Features.Awards;
using Rrr.Core.Persistence;
using Rrr.Core.Rrr;
using Rrr.Portal.Auth;
using Rrr.Portal.Components;
using Rrr.Portal.Features.Checkout;
using Rrr.Portal.Features.Members;
using Rrr.Core.Features.Promotions;
using Rrr.Portal.Features.Adjustments;
using Rrr.Portal.Features.Audit;
using Rrr.Portal.Features.Earn;
using Rrr.Portal.Features.Sso;
using Rrr.Portal.Features.Webhooks;

namespace Rrr.Portal.Hosting;

/// <summary>All of the portal's registration and pipeline, so Program.cs stays three lines.</summary>
public static class PortalHostingExtensions
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        // --- Settings, validated at start-up so a bad deployment fails fast and names what is missing ---
        services.AddOptions<SandboxHostSettings>().BindConfiguration(SandboxHostSettings.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SandboxHostSettings>, SandboxHostSettingsValidator>();
        services.AddOptions<OidcSettings>().BindConfiguration(OidcSettings.Section)
            .PostConfigure<IOptions<SandboxHostSettings>, IHostEnvironment>(UseSandboxIdentityProviderWhenUnset)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<OidcSettings>, OidcSettingsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddPortalProxy(builder.Environment);

        // --- In-process sandbox first, so the dev identity provider is up before anyone signs in ---
        if (builder.Configuration.GetValue<bool>("Sandbox:Enabled") && DevelopmentOnly.Allows(builder.Environment))
        {
            services.AddHostedService<InProcessSandbox>();
        }

        // --- Persistence and data protection (keys live in the store so restarts keep sessions; encrypted, see DataProtectionHosting) ---
        services.AddPortalTelemetry(builder.Configuration);
        services.AddPortalStore(builder.Configuration);
        services.AddPortalDataProtection(builder.Configuration);
        services.AddRrrClient(builder.Configuration).AddRrrClientHosting();
        services.AddRrrWebhooks();
        services.AddMemberExperience();
        services.AddPortalEarn();
        services.AddModelAwards(builder.Configuration);
        services.AddPortalAdjustments();
        services.AddRrrPromotions();
        services.AddPortalCheckout(builder.Environment);

        // --- Auth ---
        services.AddPortalAuth();

        // --- UI ---
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddPortalSessions(); // after the UI: its revalidating provider replaces the plain one
        services.AddProblemDetails();

        // --- Operations ---
        services.AddPortalHealth();
        services.AddPortalRateLimiting();
        services.AddPortalMetrics();
        services.AddPortalOpenApi();
        services.AddHostedService<StartupBanner>();
        return builder;
    }

    public static WebApplication UsePortal(this WebApplication app)
    {
        app.UsePortalProxy();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapPortalHealth();
        app.MapAccountEndpoints();
        app.MapRrrWebhooks();
        app.MapEarnEndpoints();
        app.MapSsoEndpoints();
        app.MapAuditEndpoints();
        app.MapPortalMetrics();
        app.MapPortalOpenApi();
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    private static void UseSandboxIdentityProviderWhenUnset(OidcSettings oidc, IOptions<SandboxHostSettings> sandbox, IHostEnvironment environment)
    {
        if (!DevelopmentOnly.SandboxDefaultsApply(environment, sandbox) || !string.IsNullOrWhiteSpace(oidc.Authority))
        {
            return;
        }

        oidc.Authority = sandbox.Value.Url.ToString();
        oidc.ClientId = string.IsNullOrWhiteSpace(oidc.ClientId) ? SandboxHostSettings.DevClientId : oidc.ClientId;
        oidc.ClientSecret = string.IsNullOrWhiteSpace(oidc.ClientSecret) ? SandboxHostSettings.DevClientSecret : oidc.ClientSecret;
    }
}
