namespace Rrr.Sandbox.Api;

internal sealed record AwardIntentBody(string? ModelMemberId, string? ViewerXcnUserId, long? Points, string? RoomId, string? StreamId);

internal static class AwardsApi
{
    public static RouteGroupBuilder MapAwardsApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/awards/intents", IntentAsync);
        v1.MapPost("/awards/{awardIntentId}/commit", async (string awardIntentId, LedgerAwards ledger, CancellationToken ct) =>
            TypedResults.Ok(await ledger.CommitAwardAsync(awardIntentId, ct)));
        return v1;
    }

    private static async Task<IResult> IntentAsync(AwardIntentBody body, LedgerAwards ledger, CancellationToken ct)
    {
        var errors = new RequestErrors();
        var request = new AwardIntentRequest(
            errors.Required(body.ModelMemberId, "model_member_id"), errors.Required(body.ViewerXcnUserId, "viewer_xcn_user_id"), body.Points ?? 0,
            body.RoomId, body.StreamId);
        errors.Check(body.Points > 0, "points", "Points must be a positive whole number.");
        errors.ThrowIfAny();
        return TypedResults.Json(await ledger.CreateAwardIntentAsync(request, ct), statusCode: StatusCodes.Status201Created);
    }
}
