using Rrr.Core.Features.Checkout;

namespace Rrr.Portal.Features.Checkout;

public static class CheckoutPortalServiceCollectionExtensions
{
    /// <summary>
    /// Checkout (Core) and, outside Production, the sandbox-card stand-in for XCN's payment system. Production
    /// must register the real <see cref="IXcnPaymentGateway"/> before turning the Checkout flag on.
    /// </summary>
    public static IServiceCollection AddPortalCheckout(this IServiceCollection services, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        services.AddCheckout();
        if (!environment.IsProduction())
        {
            services.AddSimulatedXcnPayments();
        }

        return services;
    }
}
