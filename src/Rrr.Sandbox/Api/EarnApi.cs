namespace Rrr.Sandbox.Api;

internal sealed record MoneyBody(string? Amount, string? Currency);

internal sealed record EarnBody(
    string? XcnUserId, string? OrderNumber, string? Product, MoneyBody? Amount, string? PostingMode, long? ExpectedPoints,
    string? MembershipPlan = null, string? Tier = null);

internal static partial class EarnApi
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
            body.ExpectedPoints,
            body.MembershipPlan,
            body.Tier);
        errors.Check(body.Amount?.Currency is null || body.Amount.Currency == rules.Currency, "amount", "The currency must be " + rules.Currency + ".");
        CheckTier(body, errors);
        errors.ThrowIfAny();
        return TypedResults.Json(await ledger.EarnAsync(request, ct), statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Plan and tier belong to memberships only; a tier is a code like PREMIUM (docs/rrr-wire.md).</summary>
    private static void CheckTier(EarnBody body, RequestErrors errors)
    {
        var membership = body.Product == "MEMBERSHIP";
        errors.Check(body.MembershipPlan is null || (membership && body.MembershipPlan.Length is > 0 and <= 64), "membership_plan",
            "membership_plan is only for MEMBERSHIP: 1–64 characters.");
        errors.Check(body.Tier is null || (membership && TierCode().IsMatch(body.Tier)), "tier",
            "tier is only for MEMBERSHIP: 1–32 capital letters, digits or '_', starting with a letter.");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Z][A-Z0-9_]{0,31}\z")]
    private static partial System.Text.RegularExpressions.Regex TierCode();

    internal static decimal ParseAmount(MoneyBody? money, RequestErrors errors)
    {
        var ok = decimal.TryParse(money?.Amount, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount);
        errors.Check(ok && amount >= 0, "amount", "The amount must be a non-negative decimal string.");
        return amount;
    }
}
