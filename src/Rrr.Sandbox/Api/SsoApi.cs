namespace Rrr.Sandbox.Api;

internal sealed record SsoTicketBody(string? RrrMemberId, string? ReturnTo);

internal static class SsoApi
{
    public static RouteGroupBuilder MapSsoApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/sso/tickets", async (SsoTicketBody body, LedgerSso ledger, SandboxSettings settings, CancellationToken ct) =>
        {
            var errors = new RequestErrors();
            var memberId = errors.Required(body.RrrMemberId, "rrr_member_id");
            Uri? returnTo = null;
            errors.Check(
                body.ReturnTo is null || (Uri.TryCreate(body.ReturnTo, UriKind.Absolute, out returnTo) && returnTo.Scheme is "http" or "https"),
                "return_to", "return_to must be an absolute http(s) URL.");
            errors.ThrowIfAny();
            return TypedResults.Json(await ledger.CreateSsoTicketAsync(memberId, returnTo, settings.Url, ct), statusCode: StatusCodes.Status201Created);
        });
        return v1;
    }
}
