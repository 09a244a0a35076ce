using Rrr.Sandbox;

namespace Rrr.Portal.Hosting;

/// <summary>
/// Every development convenience the portal has, in one place: the in-process sandbox, the simulated XCN payments,
/// and the published development values filled into settings left unset. Each exists only where
/// <see cref="DevelopmentOnly"/> allows it (the environment named Development); the sandbox-backed values also need
/// the in-process sandbox on. Outside Development nothing here fills anything in, so the settings' validators name
/// what is missing; the refusals of the published values live with those validators.
/// </summary>
internal static class DevelopmentDefaults
{
    public static IServiceCollection AddPortalDevelopmentDefaults(this IServiceCollection services, IHostEnvironment environment, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(configuration);

        // The in-process sandbox. Call this before anything else adds a hosted service: hosted services start in order,
        // so the dev identity provider is up before anyone signs in.
        if (configuration.GetValue<bool>("Sandbox:Enabled") && DevelopmentOnly.Allows(environment))
        {
            services.AddHostedService<InProcessSandbox>();
        }

        // The sandbox-card stand-in for XCN's payment system. Any other environment has no gateway until XCN registers
        // the real IXcnPaymentGateway; until then the checkout pages say that checkout is not available.
        if (DevelopmentOnly.Allows(environment))
        {
            services.TryAddSingleton<SimulatedXcnPaymentGateway>();
            services.TryAddSingleton<IXcnPaymentGateway>(sp => sp.GetRequiredService<SimulatedXcnPaymentGateway>());
        }

        // Settings left unset: the sandbox as identity provider, as RRR, as webhook signer and as XCN's payment system;
        // the published approval chain key.
        services.AddOptions<OidcOptions>().PostConfigure<IOptions<SandboxHostOptions>, IHostEnvironment>(UseSandboxIdentityProviderWhenUnset);
        services.AddOptions<RrrClientOptions>().PostConfigure<IOptions<SandboxHostOptions>, IHostEnvironment>(UseSandboxRrrWhenUnset);
        services.AddOptions<RrrWebhookOptions>().PostConfigure<IOptions<SandboxHostOptions>, IHostEnvironment>(UseSandboxWebhookSecretWhenUnset);
        services.AddOptions<InternalApiOptions>().PostConfigure<IOptions<SandboxHostOptions>, IHostEnvironment>(UseSandboxInternalKeyWhenUnset);
        services.AddOptions<ApprovalChainOptions>().PostConfigure<IHostEnvironment>(UseDevelopmentChainKeyWhenUnset);
        return services;
    }

    /// <summary>The sandbox's development identity provider and its dev client, when no authority is configured.</summary>
    internal static void UseSandboxIdentityProviderWhenUnset(OidcOptions oidc, IOptions<SandboxHostOptions> sandbox, IHostEnvironment environment)
    {
        if (!DevelopmentOnly.SandboxDefaultsApply(environment, sandbox) || !string.IsNullOrWhiteSpace(oidc.Authority))
        {
            return;
        }

        oidc.Authority = sandbox.Value.Url.ToString();
        oidc.ClientId = string.IsNullOrWhiteSpace(oidc.ClientId) ? SandboxHostOptions.DevClientId : oidc.ClientId;
        oidc.ClientSecret = string.IsNullOrWhiteSpace(oidc.ClientSecret) ? SandboxHostOptions.DevClientSecret : oidc.ClientSecret;
    }

    /// <summary>An unset RRR URL or key means "talk to the sandbox".</summary>
    internal static void UseSandboxRrrWhenUnset(RrrClientOptions rrr, IOptions<SandboxHostOptions> sandbox, IHostEnvironment environment)
    {
        if (!DevelopmentOnly.SandboxDefaultsApply(environment, sandbox))
        {
            return;
        }

        if (rrr.BaseUrl is null || string.IsNullOrWhiteSpace(rrr.BaseUrl.OriginalString))
        {
            rrr.BaseUrl = sandbox.Value.Url;
        }

        if (string.IsNullOrWhiteSpace(rrr.ApiKey))
        {
            rrr.ApiKey = SandboxSettings.DevApiKey;
        }
    }

    /// <summary>The sandbox signs its webhooks with its development secret; use it when no secret is configured.</summary>
    internal static void UseSandboxWebhookSecretWhenUnset(RrrWebhookOptions settings, IOptions<SandboxHostOptions> sandbox, IHostEnvironment environment)
    {
        if (DevelopmentOnly.SandboxDefaultsApply(environment, sandbox) && !settings.Secrets.Any(s => !string.IsNullOrWhiteSpace(s)))
        {
            settings.Secrets = [SandboxSettings.DevWebhookSecret];
        }
    }

    /// <summary>The sandbox plays XCN's payment system with its development key; accept it when no key is configured.</summary>
    internal static void UseSandboxInternalKeyWhenUnset(InternalApiOptions settings, IOptions<SandboxHostOptions> sandbox, IHostEnvironment environment)
    {
        if (DevelopmentOnly.SandboxDefaultsApply(environment, sandbox) && !settings.ApiKeys.Any(k => !string.IsNullOrWhiteSpace(k)))
        {
            settings.ApiKeys = [SandboxSettings.DevInternalKey];
        }
    }

    /// <summary>
    /// Development's approval chain key when none is set: the published one, which protects nothing and which every
    /// other environment refuses by value (see <see cref="ApprovalChainOptionsValidator"/>).
    /// </summary>
    internal static void UseDevelopmentChainKeyWhenUnset(ApprovalChainOptions options, IHostEnvironment environment)
    {
        if (DevelopmentOnly.Allows(environment) && string.IsNullOrWhiteSpace(options.ChainKey))
        {
            options.ChainKey = ApprovalChainOptions.DevelopmentChainKey;
        }
    }
}
