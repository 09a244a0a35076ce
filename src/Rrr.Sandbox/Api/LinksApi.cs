using Microsoft.AspNetCore.Mvc;

namespace Rrr.Sandbox.Api;

internal sealed record LinkIntentBody(string? XcnUserId, string? RrrMemberId);

internal sealed record LinkConfirmBody(string? IntentId, string? Code);

internal sealed record ReasonBody(string? Reason);

internal static class LinksApi
{
    public static RouteGroupBuilder MapLinksApi(this RouteGroupBuilder v1)
    {
        var links = v1.MapGroup("/links");
        links.MapPost("/intents", CreateIntentAsync);
        links.MapPost("/confirm", ConfirmAsync);
        links.MapGet("/", GetAsync);
        links.MapPost("/{linkId}/revoke", RevokeAsync);

        var members = v1.MapGroup("/members/{memberId}");
        members.MapGet("/wallet", (string memberId, LedgerWallet ledger, CancellationToken ct) => ledger.GetWalletAsync(memberId, ct));
        members.MapGet("/transactions", (string memberId, string? cursor, int? limit, LedgerWallet ledger, CancellationToken ct) =>
            ledger.GetTransactionsAsync(memberId, cursor, limit ?? 20, ct));
        return v1;
    }

    private static async Task<IResult> CreateIntentAsync(LinkIntentBody body, LedgerLinks ledger, CancellationToken ct)
    {
        var errors = new RequestErrors();
        var xcnUserId = errors.Required(body.XcnUserId, "xcn_user_id");
        errors.ThrowIfAny();
        var intent = await ledger.CreateLinkIntentAsync(xcnUserId, string.IsNullOrWhiteSpace(body.RrrMemberId) ? null : body.RrrMemberId, ct);
        return TypedResults.Json(intent, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ConfirmAsync(LinkConfirmBody body, LedgerLinks ledger, CancellationToken ct)
    {
        var errors = new RequestErrors();
        var intentId = errors.Required(body.IntentId, "intent_id");
        var code = errors.Required(body.Code, "code", maxLength: 6);
        errors.ThrowIfAny();
        return TypedResults.Ok(await ledger.ConfirmLinkAsync(intentId, code, ct));
    }

    private static async Task<IResult> GetAsync([FromQuery(Name = "xcn_user_id")] string? xcnUserIdQuery, LedgerLinks ledger, CancellationToken ct)
    {
        var errors = new RequestErrors();
        var xcnUserId = errors.Required(xcnUserIdQuery, "xcn_user_id");
        errors.ThrowIfAny();
        return TypedResults.Ok(await ledger.GetLinkStatusAsync(xcnUserId, ct));
    }

    private static async Task<IResult> RevokeAsync(string linkId, ReasonBody? body, LedgerLinks ledger, CancellationToken ct) =>
        TypedResults.Ok(await ledger.RevokeLinkAsync(linkId, ct));
}
