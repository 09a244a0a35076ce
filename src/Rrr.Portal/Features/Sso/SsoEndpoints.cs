using Microsoft.AspNetCore.Antiforgery;

namespace Rrr.Portal.Features.Sso;

/// <summary>
/// "Open RedRoomRewards": a plain form POST (antiforgery, <c>target="_blank"</c>) that mints a single-use ticket
/// only now and answers with a redirect to RRR's consume URL. A form rather than a circuit call: the new tab
/// is the browser's own navigation (no popup blocker), and the ticket never reaches page markup.
/// </summary>
public static class SsoEndpoints
{
    public const string OpenPath = "/member/rrr/open";

    public const string UnavailablePath = "/member/rrr/unavailable";

    public static IEndpointRouteBuilder MapSsoEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(OpenPath, (Func<HttpContext, IAntiforgery, IFeatureManager, SsoLaunchService, Task<IResult>>)OpenAsync)
            .RequireAuthorization(PortalPolicies.Member)

            // Per member (sub): every post may mint a ticket at RRR, and a ticket opens the member's RRR account.
            .RequireRateLimiting(RateLimitPolicies.SsoTickets)
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> OpenAsync(HttpContext http, IAntiforgery antiforgery, IFeatureManager features, SsoLaunchService sso)
    {
        if (!await features.IsEnabledAsync(PortalFeatures.SsoDeepLink))
        {
            return TypedResults.NotFound();
        }

        // Checked here, not left to form binding: this handler binds no form, and another site must not open tickets.
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.BadRequest();
        }

        http.UseRequestUserForMemberServices();

        SsoLaunch launch;
        try
        {
            var returnTo = new Uri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/member");
            launch = await sso.OpenAsync(Guid.NewGuid().ToString("N"), returnTo, http.RequestAborted);
        }
        catch (MemberIdentityMissingException)
        {
            return TypedResults.Forbid();
        }

        http.Response.Headers.CacheControl = "no-store";
        switch (launch.Outcome)
        {
            case SsoLaunchOutcome.Redirect:
                // Written by hand: the framework's redirect result logs its destination, and the destination is the ticket.
                http.Response.Headers["Referrer-Policy"] = "no-referrer";
                http.Response.StatusCode = StatusCodes.Status302Found;
                http.Response.Headers.Location = launch.ConsumeUrl!.AbsoluteUri;
                return TypedResults.Empty;
            case SsoLaunchOutcome.NotLinked:
                return TypedResults.LocalRedirect("~" + LinkWizardRoute.Path);
            default:
                return TypedResults.LocalRedirect("~" + UnavailablePath);
        }
    }
}
