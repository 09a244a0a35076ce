using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Rrr.Core.Features.Webhooks;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Features.Webhooks;

public static class RrrWebhookServiceCollectionExtensions
{
    /// <summary>Settings (validated at start-up), the receiver (verifier and inbox writer) and the background processor.</summary>
    public static IServiceCollection AddRrrWebhooks(this IServiceCollection services)
    {
        services.AddOptions<RrrWebhookSettings>().BindConfiguration(RrrWebhookSettings.Section)
            .PostConfigure<IOptions<SandboxHostSettings>, IHostEnvironment>(RrrWebhookSettings.UseSandboxSecretWhenUnset)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RrrWebhookSettings>, RrrWebhookSettingsValidator>());
        services.TryAddSingleton<RrrWebhookReceiver>();
        services.AddRrrWebhookProcessing();
        return services;
    }
}
