using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Rrr.Core.Features.Earn;

public static class EarnServiceCollectionExtensions
{
    /// <summary>
    /// Earn options (validated at start-up), the intake, the admin service and the hosted dispatcher.
    /// Needs the store (<c>AddPortalStore</c>) for <see cref="IEarnOutbox"/> and the RRR client for IRrrEarnApi.
    /// </summary>
    public static IServiceCollection AddRrrEarn(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EarnOptions>().BindConfiguration(EarnOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EarnOptions>, EarnOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EarnSignal>();
        services.TryAddSingleton<EarnIntake>();
        services.TryAddSingleton<EarnAdmin>();

        // Resolvable on its own too, so tests and tools can run a pass (RunOnceAsync) deterministically.
        services.TryAddSingleton<EarnDispatcher>();
        services.AddHostedService<EarnDispatcherHost>();
        return services;
    }
}
