using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Rrr.Sandbox.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>The outbox (<see cref="IWebhookPublisher"/>), its store, and the delivery dispatcher.</summary>
    public static IServiceCollection AddSandboxWebhooks(this IServiceCollection services, SandboxSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<IWebhookPublisher>(sp => sp.GetRequiredService<WebhookOutbox>());
        services.AddSingleton<WebhookResender>();
        services.TryAddSingleton(new WebhookDeliveryOptions());
        services.AddHttpClient(WebhookDispatcher.HttpClientName)
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<WebhookDeliveryOptions>().RequestTimeout);
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }
}
