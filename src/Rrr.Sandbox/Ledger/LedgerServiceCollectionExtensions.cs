using Microsoft.AspNetCore.Mvc;

namespace Rrr.Sandbox.Ledger;

public static class LedgerServiceCollectionExtensions
{
    public const string MemberRole = "rrr_member";

    /// <summary>The RRR ledger, its <c>/v1</c> API plumbing (JSON, idempotency) and its start-up work.</summary>
    public static IServiceCollection AddSandboxLedger(this IServiceCollection services)
    {
        services.AddSingleton<LedgerRules>();
        services.AddSingleton<LedgerDatabase>();
        services.AddSingleton<LedgerBook>();
        services.AddSingleton<LedgerMembers>();
        services.AddSingleton<LedgerLinks>();
        services.AddSingleton<LedgerWallet>();
        services.AddSingleton<LedgerEarn>();
        services.AddSingleton<LedgerRedemptions>();
        services.AddSingleton<LedgerTopUps>();
        services.AddSingleton<LedgerAwards>();
        services.AddSingleton<LedgerPromotions>();
        services.AddSingleton<LedgerAdjustments>();
        services.AddSingleton<LedgerSso>();
        services.AddSingleton<IdempotencyStore>();
        services.AddHostedService<LedgerStartup>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.Converters.Add(new UtcSecondsConverter());
        });
        // Unreadable bodies surface as exceptions so RrrApiGate answers them as problems.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// Gate, idempotency and problem translation for <c>/v1</c>; problem translation for the ledger's <c>/sandbox</c>
    /// extras too (a refused reversal answers as RRR would, not with a 500). Call after UseAuthorization.
    /// </summary>
    public static IApplicationBuilder UseSandboxLedgerApi(this IApplicationBuilder app) =>
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/v1"), v1 => v1
            .UseMiddleware<RrrApiGate>()
            .UseMiddleware<IdempotencyMiddleware>()
            .UseMiddleware<LedgerProblemTranslation>())
        .UseWhen(http => http.Request.Path.StartsWithSegments("/sandbox/awards"), extras => extras.UseMiddleware<LedgerProblemTranslation>());

    public static IEndpointRouteBuilder MapSandboxLedger(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1")
            .MapLinksApi()
            .MapEarnApi()
            .MapCheckoutApi()
            .MapAwardsApi()
            .MapPromotionsApi()
            .MapAdjustmentsApi()
            .MapSsoApi();

        var sandbox = app.MapGroup("/sandbox");
        sandbox.MapGet("/inbox", async ([FromQuery(Name = "rrr_member_id")] string? memberId, [FromQuery(Name = "xcn_user_id")] string? xcnUserId,
            LedgerLinks links, CancellationToken ct) => TypedResults.Ok(new { items = await links.GetInboxAsync(memberId, xcnUserId, ct) }));
        sandbox.MapGet("/members", async (LedgerMembers members, CancellationToken ct) => TypedResults.Ok(new { items = await members.ListMembersAsync(ct) }));
        sandbox.MapGet("/awards", async ([FromQuery(Name = "model_member_id")] string? model, LedgerAwards awards, CancellationToken ct) =>
            TypedResults.Ok(new { items = await awards.ListAwardsAsync(model ?? "", ct) }));
        sandbox.MapPost("/awards/{awardId}/reverse", async (string awardId, LedgerAwards awards, CancellationToken ct) =>
            TypedResults.Ok(await awards.ReverseAwardAsync(awardId, ct)));

        app.MapGet("/sso/consume", ConsumeSsoAsync);
        app.MapPost("/console/decide", DecideAsync).RequireAuthorization(p => p.RequireRole(DemoRoles.RrrAdmin));
        return app;
    }

    /// <summary>Validates and consumes the ticket, then signs the browser in as that member (not as a demo account).</summary>
    private static async Task<IResult> ConsumeSsoAsync(string? ticket, HttpContext http, LedgerSso sso)
    {
        var session = await sso.ConsumeSsoTicketAsync(ticket, http.RequestAborted);
        if (session is null)
        {
            return Results.Content(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Link expired · RRR Sandbox</title></head>"
                + "<body style=\"font-family:system-ui,sans-serif;margin:2rem\"><h1>This link has expired</h1>"
                + "<p>Sign-in links work once and only for a minute. Go back and open your rewards again.</p></body></html>",
                "text/html; charset=utf-8", statusCode: StatusCodes.Status410Gone);
        }

        // The subject is the RRR member id, which no demo account has: the identity provider never
        // mistakes this session for an XCN sign-in.
        var identity = new ClaimsIdentity(SandboxApp.CookieScheme, "name", "role");
        identity.AddClaim(new Claim("sub", session.RrrMemberId));
        identity.AddClaim(new Claim("name", session.RrrMemberId));
        identity.AddClaim(new Claim("role", MemberRole));
        if (session.ReturnTo is not null)
        {
            identity.AddClaim(new Claim("return_to", session.ReturnTo));
        }

        await http.SignInAsync(SandboxApp.CookieScheme, new ClaimsPrincipal(identity));
        return Results.Redirect("/dashboard");
    }

    // Form binding makes the endpoint check the antiforgery token.
    private static async Task<RedirectHttpResult> DecideAsync(
        [FromForm] string kind, [FromForm] string id, [FromForm] string decision, [FromForm] string? reason, HttpContext http,
        LedgerPromotions promotions, LedgerAdjustments adjustments)
    {
        var approver = http.User.FindFirst("sub")?.Value ?? "";
        var body = new DecisionBody(approver, "RRR_ADMIN", decision, reason);
        try
        {
            var verdict = PromotionsApi.ValidDecision(body, ["RRR_ADMIN"]);
            _ = kind == "promotion"
                ? (object)await promotions.DecidePromotionAsync(id, verdict, http.RequestAborted)
                : await adjustments.DecideAdjustmentAsync(id, verdict, http.RequestAborted);
            return TypedResults.Redirect("/console?done=" + Uri.EscapeDataString(id));
        }
        catch (LedgerProblem problem)
        {
            return TypedResults.Redirect("/console?error=" + Uri.EscapeDataString(problem.Code));
        }
    }
}
