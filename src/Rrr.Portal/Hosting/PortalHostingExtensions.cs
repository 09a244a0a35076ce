using FluentValidation;
using MudBlazor.Services;

namespace Rrr.Portal.Hosting;

/// <summary>
/// The portal's composition root: all registration and the pipeline, one commented section per concern, so
/// Program.cs stays three lines. Core's features come from <see cref="CoreServiceCollectionExtensions.AddRrrCore"/>;
/// this adds what only the host has (settings, the store, identities, auth, UI, operations) and, in Development
/// only, <see cref="DevelopmentDefaults"/>. Names: options are bound from their <c>Section</c>, registration
/// methods are <c>AddRrr*</c> in Core and <c>AddPortal*</c> here, endpoint groups <c>Map*</c>.
/// </summary>
public static class PortalHostingExtensions
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        // --- Settings, validated at start-up so a bad deployment fails fast and names what is missing ---
        services.AddOptions<SandboxHostOptions>().BindConfiguration(SandboxHostOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SandboxHostOptions>, SandboxHostOptionsValidator>();
        services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OidcOptions>, OidcOptionsValidator>();
        services.AddSingleton(TimeProvider.System);

        // --- Development defaults (Development only), first: the in-process sandbox must start before anything else ---
        services.AddPortalDevelopmentDefaults(builder.Environment, configuration);
        services.AddPortalProxy(builder.Environment);

        // --- Telemetry, persistence and data protection (keys live in the store so restarts keep sessions; encrypted, see DataProtectionHosting) ---
        services.AddPortalTelemetry(configuration);
        services.AddPortalStore(configuration);
        services.AddPortalDataProtection(configuration);

        // --- Core: the RRR client and every feature's services ---
        services.AddRrrCore(configuration);
        services.AddSingleton<IValidateOptions<RrrClientOptions>, RrrProductionSettingsValidator>();

        // --- Webhooks: the receiving side (section "Webhooks": secrets, signature check, the receiver writing the inbox); Core processes ---
        services.AddOptions<RrrWebhookOptions>().BindConfiguration(RrrWebhookOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RrrWebhookOptions>, RrrWebhookOptionsValidator>());
        services.TryAddSingleton<RrrWebhookReceiver>();

        // --- Members: feature flags and the circuit's member identity ---
        services.AddPortalMembers();

        // --- Earn: XCN's internal callers (section "Internal"), their key scheme and policy, the order validators ---
        services.AddOptions<InternalApiOptions>().BindConfiguration(InternalApiOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InternalApiOptions>, InternalApiOptionsValidator>());
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, InternalApiKeyHandler>(InternalApiKeyHandler.SchemeName, null);
        // The policy names its scheme, so only the key authenticates here: the cookie (a member) never does.
        services.AddAuthorizationBuilder().AddPolicy(InternalApiKeyHandler.Policy, p => p
            .AddAuthenticationSchemes(InternalApiKeyHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireRole(InternalApiKeyHandler.ServiceRole));
        services.TryAddSingleton<IValidator<OrderPaidRequest>, OrderPaidValidator>();
        services.TryAddSingleton<IValidator<OrderRefundedRequest>, OrderRefundedValidator>();

        // --- Checkout: whether XCN's payment gateway is there (Development: the simulated one, see DevelopmentDefaults) ---
        services.AddSingleton<CheckoutAvailability>();

        // --- Auth ---
        services.AddPortalAuth();

        // --- UI ---
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddTransient<MudLocalizer, PortalMudLocalizer>(); // MudBlazor's own texts in Spanish too
        services.AddPortalLocalization(); // English and Spanish, see LocalizationHosting
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

    /// <summary>
    /// Feature flags (section <c>FeatureManagement</c>, names in <see cref="Rrr.Core.Features.PortalFeatures"/>) and
    /// the circuit's identity behind Core's member services (<see cref="CoreServiceCollectionExtensions.AddRrrMembers"/>).
    /// </summary>
    public static IServiceCollection AddPortalMembers(this IServiceCollection services)
    {
        services.AddFeatureManagement();
        services.AddScoped<IMemberIdentity, ClaimsMemberIdentity>();

        // The circuit's admin identity: adjustments, promotions and an admin's notifications act as it.
        services.TryAddScoped<IAdminIdentity, ClaimsAdminIdentity>();

        // One toast per RRR event per circuit, whether the points panel or the bell says it first.
        services.AddScoped<CircuitAnnouncements>();
        services.AddScoped<OwnAwardAnnouncements>(); // the model room's awards: its toast, not the bell's
        return services;
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
        // Before any endpoint runs (pages, the circuit's hub): the circuit keeps the culture of its request.
        app.UsePortalLocalization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapPortalHealth();
        app.MapAccountEndpoints();
        app.MapCultureEndpoints();
        app.MapRrrWebhooks();
        app.MapEarnEndpoints();
        app.MapNotificationEndpoints();
        app.MapSsoEndpoints();
        app.MapAuditEndpoints();
        app.MapHistoryExport();
        app.MapPortalMetrics();
        app.MapPortalOpenApi();
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
