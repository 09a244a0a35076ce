using Microsoft.AspNetCore.Http.HttpResults;

namespace Rrr.Portal.Features.Wallet;

/// <summary>
/// <c>GET /member/history.csv?kind=&amp;from=&amp;to=</c>: the signed-in member's own RRR history as CSV, filtered as on the
/// screen. A GET that changes nothing, so the browser downloads it without a circuit round trip and needs no antiforgery
/// token. The member is the sign-in's <c>sub</c>, never a parameter (<see cref="WalletService"/> takes none). Rows stream
/// as RRR's pages are read; the first page is read before the answer starts, so RRR down is a 503 and an unlinked
/// member a 409, both problem details. If RRR stops answering mid-way the download is aborted, never cut short
/// looking complete.
/// </summary>
public static partial class HistoryExportEndpoints
{
    public const string ExportPath = "/member/history.csv";

    public static IEndpointRouteBuilder MapHistoryExport(this IEndpointRouteBuilder app)
    {
        app.MapGet(ExportPath, (Func<HttpContext, IFeatureManager, WalletService, TimeProvider, ILoggerFactory, Task<IResult>>)ExportAsync)
            .RequireAuthorization(PortalPolicies.Member)

            // Per member (sub): every export walks the member's ledger at RRR page by page.
            .RequireRateLimiting(RateLimitPolicies.HistoryExports)
            .DescribeHistoryExport();
        return app;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, IFeatureManager features, WalletService wallet, TimeProvider time, ILoggerFactory loggers)
    {
        // The history is part of the points panel: with its flag off there is nothing to export.
        if (!await features.IsEnabledAsync(PortalFeatures.PointsPanel))
        {
            // A problem rather than the HTML not-found page: this URL is a download, often fetched by a script.
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The points history is not available.", extensions: Code("feature_off"));
        }

        var q = http.Request.Query;
        var now = time.GetUtcNow();
        _ = HistoryQuery.TryParse(q[HistoryFilter.KindField], q[HistoryFilter.FromField], q[HistoryFilter.ToField], out var filter, out var errors);
        foreach (var (field, messages) in filter.Problems(DateOnly.FromDateTime(now.UtcDateTime)))
        {
            errors.TryAdd(field, messages);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The history filter is invalid.", extensions: Code("validation_failed"));
        }

        http.UseRequestUserForMemberServices();
        var walk = wallet.WalkHistory(filter, HistoryCsv.RrrPageSize);
        var start = await walk.StartAsync(http.RequestAborted);
        if (Refusal(http, start) is { } refusal)
        {
            return refusal;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentDisposition =
            $"attachment; filename=\"rrr-history-{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.csv\"";

        var logger = loggers.CreateLogger(typeof(HistoryExportEndpoints));
        // No BOM, so the first header cell reads cleanly in tools.
        var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
        try
        {
            var rows = await HistoryCsv.WriteAsync(walk.RemainingAsync(http.RequestAborted), writer, http.RequestAborted);
            LogExported(logger, rows, walk.PagesRead);
        }
        catch (HistoryWalkInterruptedException ex)
        {
            // 200 and rows may be on the wire already: the one honest end left is a broken download, never a file
            // that looks complete. (Before the first flush a 503 would be possible, but a browser fails either way.)
            LogInterrupted(logger, ex.Code, walk.PagesRead);
            http.Abort();
            return TypedResults.Empty;
        }
        finally
        {
            if (!http.RequestAborted.IsCancellationRequested)
            {
                await writer.DisposeAsync();
            }
        }

        return TypedResults.Empty;
    }

    /// <summary>The problem answer for a walk that cannot start, or null when it can.</summary>
    private static ProblemHttpResult? Refusal(HttpContext http, RrrResult<HistoryStanding> start)
    {
        if (start.IsOk)
        {
            return start.Value == HistoryStanding.NotLinked
                ? TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "No linked RedRoomRewards account.",
                    detail: "Link your RedRoomRewards account to see and export your points history.",
                    extensions: Code("not_linked"))
                : null;
        }

        if (start.IsUnavailable)
        {
            if (start.RetryAfter is { } retryAfter)
            {
                http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "RedRoomRewards is unavailable.",
                detail: "Your history comes from RedRoomRewards, which is not answering right now. Please try again later.",
                extensions: Code(RrrResult.UnavailableCode));
        }

        return start.Is(RrrResult.NotSignedIn)
            ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Your sign-in has no member id.", extensions: Code(start.Code))
            : TypedResults.Problem(
                statusCode: StatusCodes.Status502BadGateway,
                title: "RedRoomRewards refused the history read.",
                extensions: Code(start.Code));
    }

    private static Dictionary<string, object?> Code(string code) => new(StringComparer.Ordinal) { ["code"] = code };

    [LoggerMessage(Level = LogLevel.Information, Message = "History export: {Rows} rows from {Pages} RRR pages")]
    private static partial void LogExported(ILogger logger, long rows, int pages);

    [LoggerMessage(Level = LogLevel.Warning, Message = "History export aborted after {Pages} RRR pages ({Code})")]
    private static partial void LogInterrupted(ILogger logger, string code, int pages);
}
