using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Rrr.Core.Features.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// The inbox processor (hosted), its wake-up signal and the in-process event bus. Needs the
    /// store (<c>AddPortalStore</c>) for <see cref="IWebhookInbox"/> and <see cref="IResourceVersions"/>.
    /// </summary>
    public static IServiceCollection AddRrrWebhookProcessing(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<WebhookProcessorOptions>().BindConfiguration(WebhookProcessorOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookProcessorSignal>();
        PortalEvents.AddTo(services);
        // Resolvable on its own too, so tests and tools can run a pass (RunOnceAsync) deterministically.
        services.TryAddSingleton<WebhookProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookProcessor>());
        return services;
    }
}
