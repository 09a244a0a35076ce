using Rrr.Core.Features.Checkout;

namespace Rrr.Portal.Features.Checkout;

public static class CheckoutPortalServiceCollectionExtensions
{
    /// <summary>
    /// Checkout (Core) and, in Development only, the sandbox-card stand-in for XCN's payment system. Any other
    /// environment has no gateway until XCN registers the real <see cref="IXcnPaymentGateway"/>; until then the
    /// checkout pages say that checkout is not available (see <see cref="CheckoutAvailability"/>).
    /// </summary>
    public static IServiceCollection AddPortalCheckout(this IServiceCollection services, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        services.AddCheckout();
        services.AddSingleton<CheckoutAvailability>();
        if (environment.IsDevelopment())
        {
            services.AddSimulatedXcnPayments();
        }

        return services;
    }
}
