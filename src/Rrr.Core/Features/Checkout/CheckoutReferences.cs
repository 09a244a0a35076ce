namespace Rrr.Core.Features.Checkout;

/// <summary>The checkout's own identifiers: the order number's shape and the payment reference the gateway deduplicates on.</summary>
public static partial class CheckoutReferences
{
    /// <summary>
    /// The gateway's idempotency reference for charging <paramref name="amount"/> on an order. It binds the amount and
    /// currency, not only the order: gateways answer a repeated reference with the first charge, so a per-order reference
    /// would replay an earlier, different amount (a hold changed after a crash between charge and store, or another
    /// instance). The same amount again (a double click, a retry after a lost answer) is the same reference: one charge.
    /// The amount is written without trailing zeros, so 5.90 and 5.9 are one reference.
    /// </summary>
    public static string PaymentRefFor(string orderNumber, Money amount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderNumber);
        ArgumentNullException.ThrowIfNull(amount);
        var normalized = amount.Amount.ToString("0.############################", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"xcn_pay_{orderNumber}_{amount.Currency}_{normalized}");
    }

    public static bool IsOrderNumber(string? value) => value is not null && OrderNumberPattern().IsMatch(value);

    [GeneratedRegex(@"^xcn_co_[0-9a-f]{16}\z")]
    private static partial Regex OrderNumberPattern();
}
