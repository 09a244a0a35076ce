using Microsoft.AspNetCore.Mvc;

namespace Rrr.Sandbox.Api;

internal sealed record RedemptionQuoteBody(string? RrrMemberId, long? Points, string? OrderRef);

internal sealed record PaymentBody(string? PaymentRef);

internal sealed record TopUpQuoteBody(string? RrrMemberId, long? Bundle);

/// <summary>Redeem at checkout (two-phase, escrow) and top-ups.</summary>
internal static class CheckoutApi
{
    public static RouteGroupBuilder MapCheckoutApi(this RouteGroupBuilder v1)
    {
        var redemptions = v1.MapGroup("/redemptions");
        redemptions.MapGet("/options", OptionsAsync);
        redemptions.MapPost("/quotes", QuoteAsync);
        redemptions.MapPost("/{quoteId}/commit", async (string quoteId, PaymentBody? body, LedgerRedemptions ledger, CancellationToken ct) =>
            TypedResults.Ok(await ledger.CommitRedemptionAsync(quoteId, ct)));
        redemptions.MapPost("/{quoteId}/reverse", async (string quoteId, ReasonBody? body, LedgerRedemptions ledger, CancellationToken ct) =>
            TypedResults.Ok(await ledger.ReverseRedemptionAsync(quoteId, ct)));

        var topups = v1.MapGroup("/topups");
        topups.MapPost("/quotes", TopUpQuoteAsync);
        topups.MapPost("/{quoteId}/commit", TopUpCommitAsync);
        return v1;
    }

    private static async Task<IResult> OptionsAsync([FromQuery(Name = "rrr_member_id")] string? memberIdQuery, [FromQuery(Name = "cart_total")] string? cartTotalQuery, string? currency, LedgerRedemptions ledger, LedgerRules rules, CancellationToken ct)
    {
        var errors = new RequestErrors();
        var memberId = errors.Required(memberIdQuery, "rrr_member_id");
        var ok = decimal.TryParse(cartTotalQuery, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cartTotal);
        errors.Check(ok && cartTotal >= 0, "cart_total", "The cart total must be a non-negative decimal.");
        errors.Check(currency is null || currency == rules.Currency, "currency", "The currency must be " + rules.Currency + ".");
        errors.ThrowIfAny();
        return TypedResults.Ok(await ledger.GetRedemptionOptionsAsync(memberId, cartTotal, ct));
    }

    private static async Task<IResult> QuoteAsync(RedemptionQuoteBody body, LedgerRedemptions ledger, CancellationToken ct)
    {
        var errors = new RequestErrors();
        var memberId = errors.Required(body.RrrMemberId, "rrr_member_id");
        errors.Check(body.Points > 0, "points", "Points must be a positive whole number.");
        errors.ThrowIfAny();
        return TypedResults.Json(await ledger.CreateRedemptionQuoteAsync(memberId, body.Points!.Value, body.OrderRef, ct), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> TopUpQuoteAsync(TopUpQuoteBody body, LedgerTopUps ledger, LedgerRules rules, CancellationToken ct)
    {
        var errors = new RequestErrors();
        var memberId = errors.Required(body.RrrMemberId, "rrr_member_id");
        errors.Check(body.Bundle is not null && rules.TopUpBundles.Contains(body.Bundle.Value), "bundle",
            "The bundle must be one of " + string.Join(", ", rules.TopUpBundles) + ".");
        errors.ThrowIfAny();
        return TypedResults.Json(await ledger.CreateTopUpQuoteAsync(memberId, body.Bundle!.Value, ct), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> TopUpCommitAsync(string quoteId, PaymentBody body, LedgerTopUps ledger, CancellationToken ct)
    {
        var errors = new RequestErrors();
        var paymentRef = errors.Required(body.PaymentRef, "payment_ref");
        errors.ThrowIfAny();
        return TypedResults.Ok(await ledger.CommitTopUpAsync(quoteId, paymentRef, ct));
    }
}
