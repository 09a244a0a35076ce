using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Rrr.Core.Features.Earn;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Features.Earn;

public static class EarnPortalServiceCollectionExtensions
{
    /// <summary>The earn outbox and dispatcher (Core), the internal key scheme and its policy, the order validators.</summary>
    public static IServiceCollection AddPortalEarn(this IServiceCollection services)
    {
        services.AddRrrEarn();
        services.AddOptions<InternalApiSettings>().BindConfiguration(InternalApiSettings.Section)
            .PostConfigure<IOptions<SandboxHostSettings>, IHostEnvironment>(InternalApiSettings.UseSandboxKeyWhenUnset)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InternalApiSettings>, InternalApiSettingsValidator>());
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, InternalApiKeyHandler>(InternalApiKeyHandler.SchemeName, null);

        // The policy names its scheme, so only the key authenticates here: the cookie (a member) never does.
        services.AddAuthorizationBuilder().AddPolicy(InternalApiKeyHandler.Policy, p => p
            .AddAuthenticationSchemes(InternalApiKeyHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireRole(InternalApiKeyHandler.ServiceRole));
        services.TryAddSingleton<IValidator<OrderPaidRequest>, OrderPaidValidator>();
        services.TryAddSingleton<IValidator<OrderRefundedRequest>, OrderRefundedValidator>();
        return services;
    }
}
