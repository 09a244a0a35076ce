namespace Rrr.Core.Features.Checkout;

/// <summary>How both store adapters keep an order: one JSON document (ids, amounts and states only, no PII).</summary>
public static class CheckoutOrderJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(CheckoutOrder order) => JsonSerializer.Serialize(order, Options);

    public static CheckoutOrder Deserialize(string json) =>
        JsonSerializer.Deserialize<CheckoutOrder>(json, Options) ?? throw new InvalidOperationException("Empty checkout order document.");
}
