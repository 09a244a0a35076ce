namespace Rrr.Core.Features.Checkout;

/// <summary>The sandbox card the member picks on the stand-in payment form.</summary>
public enum SandboxCard
{
    Approves,
    Declines,
}

/// <param name="PaymentRef">Derived from the order number and the amount (<see cref="CheckoutReferences.PaymentRefFor"/>), so a
/// repeated charge of the same amount is the same charge (gateways dedupe on it) and another amount never replays it.</param>
public sealed record XcnCharge(string PaymentRef, string XcnUserId, Money Amount, SandboxCard Card);

public sealed record XcnChargeResult(string PaymentRef, bool Approved);

/// <summary>
/// XCN's payment system, as checkout needs it. The real one sits behind XCN's cashier; this portal only
/// ships a stand-in (<see cref="SimulatedXcnPaymentGateway"/>) for development, demos and tests.
/// </summary>
public interface IXcnPaymentGateway
{
    /// <summary>Charges once per payment ref: a repeat answers the first outcome and charges nothing more.</summary>
    Task<XcnChargeResult> ChargeAsync(XcnCharge charge, CancellationToken cancellationToken);

    /// <summary>Gives an approved charge back (once per payment ref).</summary>
    Task RefundAsync(string paymentRef, CancellationToken cancellationToken);
}

/// <summary>
/// Development stand-in: the card the member picked decides the outcome. Outcomes are remembered per payment
/// ref for the life of the process, like a gateway's own idempotency, so a double click charges once.
/// </summary>
public sealed class SimulatedXcnPaymentGateway : IXcnPaymentGateway
{
    private readonly ConcurrentDictionary<string, XcnChargeResult> charges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> refunds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Money> amounts = new(StringComparer.Ordinal);

    /// <summary>Charges actually made (not replays), for tests and the demo.</summary>
    public int ChargeCount => charges.Count;

    public int RefundCount => refunds.Count;

    public Task<XcnChargeResult> ChargeAsync(XcnCharge charge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(charge);
        var result = charges.GetOrAdd(charge.PaymentRef, _ =>
        {
            // Like a real gateway: a repeated reference replays the first charge, whatever amount it carries now.
            amounts.TryAdd(charge.PaymentRef, charge.Amount);
            return new XcnChargeResult(charge.PaymentRef, charge.Card == SandboxCard.Approves);
        });
        return Task.FromResult(result);
    }

    /// <summary>What was really charged under <paramref name="paymentRef"/> (the first charge's amount); null when nothing.</summary>
    public Money? ChargedAmount(string paymentRef) => amounts.TryGetValue(paymentRef, out var amount) ? amount : null;

    public Task RefundAsync(string paymentRef, CancellationToken cancellationToken)
    {
        if (charges.TryGetValue(paymentRef, out var charge) && charge.Approved)
        {
            refunds.TryAdd(paymentRef, true);
        }

        return Task.CompletedTask;
    }
}
