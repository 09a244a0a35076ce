using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Rrr.Core.Features.Checkout;

public static class CheckoutServiceCollectionExtensions
{
    /// <summary>
    /// Checkout options (validated at start-up), the per-order locks and the checkout service (scoped, per circuit).
    /// Needs the member services, the store, the RRR client, the earn intake, and an <see cref="IXcnPaymentGateway"/>
    /// (<see cref="AddSimulatedXcnPayments"/> outside Production).
    /// </summary>
    public static IServiceCollection AddCheckout(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<CheckoutOptions>().BindConfiguration(CheckoutOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CheckoutOptions>, CheckoutOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CheckoutLocks>();
        services.TryAddScoped<CheckoutService>();
        return services;
    }

    /// <summary>The sandbox card stand-in for XCN's payment system (development, demos, tests).</summary>
    public static IServiceCollection AddSimulatedXcnPayments(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<SimulatedXcnPaymentGateway>();
        services.TryAddSingleton<IXcnPaymentGateway>(sp => sp.GetRequiredService<SimulatedXcnPaymentGateway>());
        return services;
    }
}
