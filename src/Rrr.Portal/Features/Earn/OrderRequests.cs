using FluentValidation;
using Microsoft.Extensions.Localization;
using System.Text.Json.Serialization;

namespace Rrr.Portal.Features.Earn;

/// <summary>What both order events name: the order, its member and its product.</summary>
public interface IOrderEvent
{
    string? OrderNumber { get; }

    string? XcnUserId { get; }

    string? Product { get; }
}

/// <summary>XCN's ORDER_PAID: <c>{order_number, xcn_user_id, product, amount, currency, paid_at, membership_plan?}</c>.</summary>
/// <param name="Amount">A decimal string ("12.50") or a JSON number; kept as text so nothing rounds it.</param>
/// <param name="MembershipPlan">XCN's plan code (e.g. "monthly"): required for MEMBERSHIP, absent for TOKENS. The portal maps
/// it to an RRR tier (Earn:MembershipTiers); a plan it does not know is refused with 422 unknown_plan.</param>
public sealed record OrderPaidRequest(
    string? OrderNumber,
    string? XcnUserId,
    string? Product,
    [property: JsonConverter(typeof(DecimalTextConverter))] string? Amount,
    string? Currency,
    string? PaidAt,
    string? MembershipPlan = null) : IOrderEvent;

/// <summary>XCN's ORDER_REFUNDED: the whole paid order is reversed.</summary>
public sealed record OrderRefundedRequest(
    string? OrderNumber,
    string? XcnUserId,
    string? Product,
    string? RefundedAt) : IOrderEvent;

/// <summary>What the endpoints answer: where the order event stands in the outbox.</summary>
public sealed record OrderEventResponse(
    string OrderNumber,
    string Kind,
    string Status,
    string? EarnEventId,
    long? Points,
    string? ResultStatus,
    DateTimeOffset AcceptedAt)
{
    public static OrderEventResponse From(OutboxRow row) => new(
        row.Order.OrderNumber,
        OutboxCodes.KindText(row.Order.Kind),
        OutboxCodes.StatusText(row.Status),
        row.Result?.EarnEventId,
        row.Result?.Points,
        row.Result?.Status,
        row.Order.AcceptedAt);
}

/// <summary>Field rules shared by both order events. Names in errors are the JSON names.</summary>
internal static class OrderRules
{
    public const int MaxIdLength = 64;
    public const decimal MaxAmount = 1_000_000m;

    /// <summary>A real order event is a few hundred bytes; the bound keeps an unauthenticated sender from making us buffer more.</summary>
    public const int MaxBodyBytes = 8 * 1024;

    // Opaque ids that survive an Idempotency-Key header (visible ASCII) and never carry free text.
    public static readonly System.Text.RegularExpressions.Regex Id = new(@"^[A-Za-z0-9_.:-]+\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public static readonly string[] Products = ["TOKENS", "MEMBERSHIP"];

    public static void Ids<T>(AbstractValidator<T> validator, IStringLocalizer<OrderText> text)
        where T : IOrderEvent
    {
        validator.RuleFor(r => r.OrderNumber).NotEmpty().MaximumLength(MaxIdLength).Matches(Id)
            .OverridePropertyName("order_number").WithMessage(_ => text["OrderNumber"]);
        validator.RuleFor(r => r.XcnUserId).NotEmpty().MaximumLength(MaxIdLength).Matches(Id)
            .OverridePropertyName("xcn_user_id").WithMessage(_ => text["XcnUserId"]);
        validator.RuleFor(r => r.Product).Must(p => Products.Contains(p))
            .OverridePropertyName("product").WithMessage(_ => text["Product"]);
    }

    /// <summary>When the event happened: a timestamp, at most 5 minutes ahead of our clock.</summary>
    public static void OccurredAt<T>(AbstractValidator<T> validator, Func<T, string?> at, string name, TimeProvider time, IStringLocalizer<OrderText> text) =>
        validator.RuleFor(r => at(r))
            .Must(t => TryParseTime(t, out var occurred) && occurred <= time.GetUtcNow().AddMinutes(5))
            .OverridePropertyName(name)
            .WithMessage(_ => text["OccurredAt", name]);

    public static EarnOrder ToOrder(IOrderEvent request, OrderEventKind kind, Money? amount, DateTimeOffset occurredAt, DateTimeOffset acceptedAt) =>
        new(request.OrderNumber!, kind, request.XcnUserId!, ProductOf(request.Product!), amount, occurredAt, acceptedAt);

    public static ArgumentException NotValidated(string paramName) => new("Validate the request before converting it.", paramName);

    public static bool TryParseTime(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
        && text!.Contains('T', StringComparison.Ordinal);

    public static bool TryParseAmount(string? text, out decimal amount) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount);

    public static EarnProduct ProductOf(string text) => text == "TOKENS" ? EarnProduct.Tokens : EarnProduct.Membership;
}

public sealed class OrderPaidValidator : AbstractValidator<OrderPaidRequest>
{
    public OrderPaidValidator(IOptions<EarnOptions> options, TimeProvider time, IStringLocalizer<OrderText> text)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(text);
        var currency = options.Value.Currency;
        OrderRules.Ids(this, text);
        RuleFor(r => r.Amount)
            .Must(a => OrderRules.TryParseAmount(a, out var amount) && amount > 0 && amount <= OrderRules.MaxAmount && amount.Scale <= 2)
            .OverridePropertyName("amount")
            .WithMessage(_ => text["Amount"]);
        RuleFor(r => r.Currency).Equal(currency)
            .OverridePropertyName("currency")
            .WithMessage(_ => text["Currency", currency]);
        OrderRules.OccurredAt(this, r => r.PaidAt, "paid_at", time, text);

        // The plan's shape only; whether the portal knows it is the tier map's answer (OrderEndpoints: 422 unknown_plan).
        RuleFor(r => r.MembershipPlan).NotEmpty().MaximumLength(OrderRules.MaxIdLength).Matches(OrderRules.Id)
            .When(r => r.Product == "MEMBERSHIP")
            .OverridePropertyName("membership_plan")
            .WithMessage(_ => text["PlanRequired"]);

        // Refused rather than ignored: a token pack with a plan is a mix-up on XCN's side worth hearing about.
        RuleFor(r => r.MembershipPlan).Null()
            .When(r => r.Product == "TOKENS")
            .OverridePropertyName("membership_plan")
            .WithMessage(_ => text["PlanOnlyMembership"]);
    }

    /// <summary>The validated request as an order; its tier is set afterwards from the plan (<see cref="OrderEndpoints"/>).</summary>
    public static EarnOrder ToOrder(OrderPaidRequest request, DateTimeOffset acceptedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        return OrderRules.TryParseAmount(request.Amount, out var amount) && OrderRules.TryParseTime(request.PaidAt, out var paidAt)
            ? OrderRules.ToOrder(request, OrderEventKind.Paid, new Money(amount, request.Currency!), paidAt, acceptedAt) with
            {
                MembershipPlan = request.MembershipPlan,
            }
            : throw OrderRules.NotValidated(nameof(request));
    }
}

public sealed class OrderRefundedValidator : AbstractValidator<OrderRefundedRequest>
{
    public OrderRefundedValidator(TimeProvider time, IStringLocalizer<OrderText> text)
    {
        OrderRules.Ids(this, text);
        OrderRules.OccurredAt(this, r => r.RefundedAt, "refunded_at", time, text);
    }

    public static EarnOrder ToOrder(OrderRefundedRequest request, DateTimeOffset acceptedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        return OrderRules.TryParseTime(request.RefundedAt, out var refundedAt)
            ? OrderRules.ToOrder(request, OrderEventKind.Refunded, null, refundedAt, acceptedAt)
            : throw OrderRules.NotValidated(nameof(request));
    }
}

/// <summary>Reads a JSON string or number as its exact text, so "12.50" and 12.50 both stay 12.50.</summary>
public sealed class DecimalTextConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray()),
        JsonTokenType.Null => null,
        _ => throw new JsonException("amount must be a string or a number."),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}
