namespace Rrr.Sandbox.Api;

internal sealed record MoneyBody(string? Amount, string? Currency);

internal sealed record EarnBody(string? XcnUserId, string? OrderNumber, string? Product, MoneyBody? Amount, string? PostingMode, long? ExpectedPoints);

internal static class EarnApi
{
    private static readonly string[] PostingModes = ["IMMEDIATE", "PENDING"];

    public static RouteGroupBuilder MapEarnApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/earn-events", EarnAsync);
        v1.MapPost("/earn-events/{earnEventId}/reverse", async (string earnEventId, ReasonBody? body, LedgerEarn ledger, CancellationToken ct) =>
            TypedResults.Ok(await ledger.ReverseEarnAsync(earnEventId, ct)));
        return v1;
    }

    private static async Task<IResult> EarnAsync(EarnBody body, LedgerEarn ledger, LedgerRules rules, CancellationToken ct)
    {
        var errors = new RequestErrors();
        var request = new EarnRequest(
            errors.Required(body.XcnUserId, "xcn_user_id"),
            errors.Required(body.OrderNumber, "order_number"),
            errors.OneOf(body.Product, "product", rules.EarnPointsPerUnit.Keys.ToList()),
            ParseAmount(body.Amount, errors),
            rules.Currency,
            errors.OneOf(body.PostingMode, "posting_mode", PostingModes),
            body.ExpectedPoints);
        errors.Check(body.Amount?.Currency is null || body.Amount.Currency == rules.Currency, "amount", "The currency must be " + rules.Currency + ".");
        errors.ThrowIfAny();
        return TypedResults.Json(await ledger.EarnAsync(request, ct), statusCode: StatusCodes.Status201Created);
    }

    internal static decimal ParseAmount(MoneyBody? money, RequestErrors errors)
    {
        var ok = decimal.TryParse(money?.Amount, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount);
        errors.Check(ok && amount >= 0, "amount", "The amount must be a non-negative decimal string.");
        return amount;
    }
}
