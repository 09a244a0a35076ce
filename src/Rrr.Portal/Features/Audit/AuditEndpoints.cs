namespace Rrr.Portal.Features.Audit;

/// <summary>
/// CSV export of the audit trail. A GET with the page's filters as query string: it changes nothing, so it needs no
/// antiforgery token, and the browser downloads it without a circuit round trip.
/// </summary>
public static class AuditEndpoints
{
    public const string PagePath = "/admin/audit";

    public const string ExportPath = "/admin/audit/export.csv";

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(ExportPath, (Func<HttpContext, IAuditStore, TimeProvider, Task>)ExportAsync)
            .RequireAuthorization(PortalPolicies.Admin)
            .ExcludeFromDescription();
        return app;
    }

    private static async Task ExportAsync(HttpContext http, IAuditStore store, TimeProvider time)
    {
        var q = http.Request.Query;
        if (!AuditFilter.TryParse(q["actor"], q["kind"], q["from"], q["to"], out var filter))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var now = time.GetUtcNow();
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentDisposition =
            $"attachment; filename=\"audit-{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)}.csv\"";

        // Written straight to the body, a page at a time; no BOM so the first header cell reads cleanly in tools.
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
        await AuditCsv.WriteAsync(store, filter.ToQuery(), now, writer, http.RequestAborted);
    }
}
