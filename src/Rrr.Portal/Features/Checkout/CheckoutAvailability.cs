namespace Rrr.Portal.Features.Checkout;

/// <summary>
/// Whether a payment gateway (XCN's payment system) is registered. Outside Development none is until XCN adds the
/// real one, and checkout then says so plainly instead of failing to build its pages.
/// </summary>
public sealed class CheckoutAvailability(IServiceProviderIsService services)
{
    public bool HasPaymentGateway { get; } = services.IsService(typeof(IXcnPaymentGateway));
}
