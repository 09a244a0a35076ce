using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Portal.Auth;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Api;

/// <summary>
/// Every page and endpoint × anonymous, member, model, admin, checked on the server (plain HTTP, no UI). A new
/// route must be added to <see cref="Audience"/> or <see cref="EveryRoute_IsInTheMatrix"/> fails.
/// </summary>
public sealed class AuthorizationMatrixTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    public const string Anonymous = "anonymous";

    /// <summary>Pages for anyone the portal shows points for (the notification inbox).</summary>
    private const string Inbox = "inbox";

    /// <summary>Who each route is for. "service" routes authenticate callers by key or signature, never by session.</summary>
    private static readonly Dictionary<string, (string Method, string Path, string Audience)> Audience = new(StringComparer.Ordinal)
    {
        ["/"] = ("GET", "/", "public"),
        ["/error"] = ("GET", "/error", "public"),
        ["/not-found"] = ("GET", "/not-found", "public"),
        ["/health/live"] = ("GET", "/health/live", "public"),
        ["/health/ready"] = ("GET", "/health/ready", "public"),
        ["/health/ready/details"] = ("GET", "/health/ready/details", PortalRoles.Admin),
        ["/culture/set"] = ("GET", "/culture/set?culture=es&redirectUri=%2F", "public"),
        ["/account/signin"] = ("GET", "/account/signin", "signin"),
        ["/account/home"] = ("GET", "/account/home", "signed-in"),
        ["/forbidden"] = ("GET", "/forbidden", "forbidden-page"),
        ["/no-role"] = ("GET", "/no-role", "signed-in"),
        ["/account/signout"] = ("POST", "/account/signout", "signed-in"),
        ["/member"] = ("GET", "/member", PortalRoles.Member),
        ["/member/link"] = ("GET", "/member/link", PortalRoles.Member),
        ["/member/checkout"] = ("GET", "/member/checkout", PortalRoles.Member),
        ["/member/checkout/{OrderNumber}"] = ("GET", "/member/checkout/xcn_co_0000000000000000", PortalRoles.Member),
        ["/member/rrr/unavailable"] = ("GET", "/member/rrr/unavailable", PortalRoles.Member),
        ["/member/rrr/open"] = ("POST", "/member/rrr/open", PortalRoles.Member),
        ["/member/history.csv"] = ("GET", "/member/history.csv", PortalRoles.Member),
        ["/notifications"] = ("GET", "/notifications", Inbox),
        ["/model"] = ("GET", "/model", PortalRoles.Model),
        ["/model/room"] = ("GET", "/model/room", PortalRoles.Model),
        ["/model/awards"] = ("GET", "/model/awards", PortalRoles.Model),
        ["/admin"] = ("GET", "/admin", PortalRoles.Admin),
        ["/admin/promotions"] = ("GET", "/admin/promotions", PortalRoles.Admin),
        ["/admin/promotions/new"] = ("GET", "/admin/promotions/new", PortalRoles.Admin),
        ["/admin/promotions/{PromotionId}"] = ("GET", "/admin/promotions/promo_0000000000000000", PortalRoles.Admin),
        ["/admin/adjustments"] = ("GET", "/admin/adjustments", PortalRoles.Admin),
        ["/admin/earn"] = ("GET", "/admin/earn", PortalRoles.Admin),
        ["/admin/approvals"] = ("GET", "/admin/approvals", PortalRoles.Admin),
        ["/admin/audit"] = ("GET", "/admin/audit", PortalRoles.Admin),
        ["/admin/audit/export.csv"] = ("GET", "/admin/audit/export.csv", PortalRoles.Admin),
        ["/internal/orders/paid"] = ("POST", "/internal/orders/paid", "service"),
        ["/internal/orders/refunded"] = ("POST", "/internal/orders/refunded", "service"),
        ["/internal/notifications/expiry-reminders"] = ("POST", "/internal/notifications/expiry-reminders", "service"),
        ["/webhooks/rrr"] = ("POST", "/webhooks/rrr", "service"),
        ["/metrics"] = ("GET", "/metrics", PortalRoles.Admin), // or a bearer scrape key (MetricsTests)
        ["/openapi/{documentName}.json"] = ("GET", "/openapi/v1.json", "public"),
    };

    private static readonly string[] Identities = [Anonymous, PortalRoles.Member, PortalRoles.Model, PortalRoles.Admin];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Cells()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in Audience.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var identity in Identities)
            {
                data.Add(route, identity);
            }
        }

        return data;
    }

    [Fact]
    public void EveryRoute_IsInTheMatrix()
    {
        var routes = factory.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText ?? "")
            // Framework plumbing and static files: the circuit hub has its own test, assets are public by design.
            .Where(r => r.StartsWith('/') && !r.StartsWith("/_", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(routes);
        var missing = routes.Where(r => !Audience.ContainsKey(r)).ToList();
        Assert.True(missing.Count == 0, "Routes with no row in the authorization matrix: " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Route_AllowsOnlyItsAudience(string route, string identity)
    {
        var (method, path, audience) = Audience[route];
        using var client = identity == Anonymous ? factory.CreateClientAs() : factory.CreateClientAs(identity);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent([]);
        }

        using var response = await client.SendAsync(request, Ct);
        var outcome = Classify(response, audience);

        var expected = Expected(audience, identity);
        Assert.True(expected == outcome, $"{method} {path} as {identity}: expected {expected}, got {outcome} ({(int)response.StatusCode} {response.Headers.Location})");
    }

    private static string Expected(string audience, string identity) => audience switch
    {
        "public" => "allowed",
        "service" => "refused", // a browser session never stands in for the internal key or RRR's signature
        "signin" => "challenged", // signing in (again) always goes to the identity provider
        "forbidden-page" => identity == Anonymous ? "challenged" : "forbidden", // it is the 403 page itself
        "signed-in" => identity == Anonymous ? "challenged" : "allowed",
        _ when identity == Anonymous => "challenged",
        Inbox => identity is PortalRoles.Member or PortalRoles.Model or PortalRoles.Admin ? "allowed" : "forbidden",
        _ => identity == audience ? "allowed" : "forbidden",
    };

    private static string Classify(HttpResponseMessage response, string audience)
    {
        var location = response.Headers.Location;
        var path = location is null ? "" : location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0];
        if (audience == "service")
        {
            // Key- or signature-authenticated: any answer but success means the caller was turned away.
            return response.IsSuccessStatusCode ? "allowed" : "refused";
        }

        return response.StatusCode switch
        {
            HttpStatusCode.Redirect when location!.ToString().StartsWith(PortalFactory.Authority + "connect/authorize", StringComparison.Ordinal) => "challenged",
            HttpStatusCode.Redirect when path == "/forbidden" => "forbidden",
            HttpStatusCode.Forbidden => "forbidden",
            HttpStatusCode.Unauthorized => "challenged",
            // Past authorization: rendered, redirected within the app, an authorized "not found", or (for a form
            // post, which the matrix sends without a token) antiforgery's 400, which runs after authorization.
            _ => "allowed",
        };
    }
}
