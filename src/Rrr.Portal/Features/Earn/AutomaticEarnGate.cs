namespace Rrr.Portal.Features.Earn;

/// <summary>
/// Closes the order intake while <see cref="PortalFeatures.AutomaticEarn"/> is off: 503 with a problem and a
/// Retry-After, so XCN's payment system keeps the order and sends it again later instead of treating it as
/// done. Runs after authorization, so an unauthenticated caller still gets 401 and learns nothing of the flag.
/// </summary>
internal sealed class AutomaticEarnGate(IFeatureManager features) : IEndpointFilter
{
    /// <summary>How long XCN should wait before asking again; an operator turns the flag on, so minutes, not seconds.</summary>
    internal static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(5);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (await features.IsEnabledAsync(PortalFeatures.AutomaticEarn))
        {
            return await next(context);
        }

        context.HttpContext.Response.Headers.RetryAfter = ((long)RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Results.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Automatic earn is turned off.",
            detail: "The portal is not taking order events now (feature AutomaticEarn is off); nothing was stored. Send the order again later.");
    }
}
