namespace Rrr.Sandbox.Identity;

/// <summary>
/// Login-CSRF defence for the account form without an antiforgery cookie. Chromium sends the first navigation
/// to the sandbox twice, on two connections (Kestrel's connection ids show both), so on a browser's first visit
/// two login pages were rendered at once, each minting its own antiforgery cookie: the page a person saw could
/// pair with the other response's cookie, and the post failed with an empty 400. The browser's own fetch
/// metadata says where a post comes from without any per-response state: <c>Sec-Fetch-Site</c>, else
/// <c>Origin</c>. A client that sends neither is not a browser, and a forged cross-site post needs one.
/// </summary>
internal static class SameOriginFormPost
{
    public static async ValueTask<object?> RequireAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        return IsCrossSite(request.Headers["Sec-Fetch-Site"].ToString(), request.Headers.Origin.ToString(), $"{request.Scheme}://{request.Host}")
            ? Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Sign-in must come from the sandbox's own sign-in page",
                detail: "Open the sandbox sign-in page and pick the account there.")
            : await next(context);
    }

    internal static bool IsCrossSite(string fetchSite, string origin, string ownOrigin) => fetchSite.Length > 0
        ? fetchSite is not ("same-origin" or "none")
        : origin.Length > 0 && !string.Equals(origin, ownOrigin, StringComparison.OrdinalIgnoreCase);
}
