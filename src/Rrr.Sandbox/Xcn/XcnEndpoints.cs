namespace Rrr.Sandbox.Xcn;

/// <summary>
/// XCN's payment system stand-in: <c>POST /sandbox/xcn/purchases</c> and <c>/refunds</c> drive the portal's
/// internal order endpoints; <c>GET /sandbox/earn-events?order_prefix=</c> lets tests count what RRR earned.
/// </summary>
public static class XcnEndpoints
{
    internal static readonly string[] Products = ["TOKENS", "MEMBERSHIP"];

    /// <summary>XCN's membership plans as this stand-in sells them; the portal's default tier map knows both.</summary>
    internal static readonly string[] Plans = ["monthly", "yearly"];

    public static IServiceCollection AddSandboxXcn(this IServiceCollection services)
    {
        services.AddHttpClient(XcnPayments.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));

        // A singleton: it remembers this run's purchases for the page's refund list.
        services.AddSingleton<XcnPayments>();
        return services;
    }

    public static IEndpointRouteBuilder MapSandboxXcn(this IEndpointRouteBuilder app)
    {
        app.MapPost("/sandbox/xcn/purchases", (Func<HttpContext, XcnPayments, Task<IResult>>)PurchaseAsync);
        app.MapPost("/sandbox/xcn/refunds", (Func<HttpContext, XcnPayments, Task<IResult>>)RefundAsync);
        app.MapGet("/sandbox/earn-events", (Func<string?, LedgerDatabase, CancellationToken, Task<IResult>>)EarnEventsAsync);
        return app;
    }

    /// <param name="MembershipPlan">For MEMBERSHIP (default monthly); refused for TOKENS.</param>
    internal sealed record PurchaseDto(string? XcnUserId, string? Product, string? Amount, string? OrderNumber, string? MembershipPlan = null);

    internal sealed record RefundDto(string? OrderNumber, string? XcnUserId, string? Product);

    internal sealed record EarnEventDto(string EarnEventId, string OrderNumber, string XcnUserId, string Product, long Points, string Status);

    private static async Task<IResult> PurchaseAsync(HttpContext http, XcnPayments payments)
    {
        var (dto, problem) = await ReadOrderAsync<PurchaseDto>(http, payments, d => d.XcnUserId, "xcn_user_id");
        if (problem is not null)
        {
            return problem;
        }

        var product = dto!.Product ?? "TOKENS";
        if (!Products.Contains(product))
        {
            return SandboxProblems.Validation(http, "product", "product must be TOKENS or MEMBERSHIP.");
        }

        if (!decimal.TryParse(dto.Amount ?? "10.00", NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return SandboxProblems.Validation(http, "amount", "amount must be a positive decimal string.");
        }

        // Any plan text goes through for MEMBERSHIP, so a test can see the portal refuse one it does not know.
        var plan = product == "MEMBERSHIP" ? dto.MembershipPlan ?? Plans[0] : null;
        if (product == "TOKENS" && dto.MembershipPlan is not null)
        {
            return SandboxProblems.Validation(http, "membership_plan", "membership_plan is only for MEMBERSHIP.");
        }

        var (order, answer) = await payments.PurchaseAsync(dto.XcnUserId!, product, amount, dto.OrderNumber, plan, http.RequestAborted);
        return SandboxJson.Ok(new
        {
            order.OrderNumber,
            order.XcnUserId,
            order.Product,
            order.MembershipPlan,
            order.Amount,
            order.Currency,
            PortalStatus = answer.Status,
            answer.OutboxStatus,
            answer.Error,
        });
    }

    private static async Task<IResult> RefundAsync(HttpContext http, XcnPayments payments)
    {
        var (dto, problem) = await ReadOrderAsync<RefundDto>(http, payments, d => d.OrderNumber, "order_number");
        if (problem is not null)
        {
            return problem;
        }

        // Orders simulated in this run fill in their user and product; others must say them.
        var orderNumber = dto!.OrderNumber!;
        var known = payments.Find(orderNumber);
        var user = dto.XcnUserId ?? known?.XcnUserId;
        var product = dto.Product ?? known?.Product;
        if (user is null || product is null)
        {
            return SandboxProblems.Validation(http, "xcn_user_id", "xcn_user_id and product are required for an order this sandbox did not simulate.");
        }

        var answer = await payments.RefundAsync(orderNumber, user, product, http.RequestAborted);
        return SandboxJson.Ok(new { OrderNumber = orderNumber, PortalStatus = answer.Status, answer.OutboxStatus, answer.Error });
    }

    /// <summary>
    /// Both order calls: refused while the sandbox has no portal to call, then the body as <typeparamref name="T"/>,
    /// which must name <paramref name="requiredField"/>. No problem means a body with that field set.
    /// </summary>
    private static async Task<(T? Dto, IResult? Problem)> ReadOrderAsync<T>(HttpContext http, XcnPayments payments, Func<T, string?> required, string requiredField)
        where T : class
    {
        if (!payments.Enabled)
        {
            return (null, SandboxProblems.Result(http, StatusCodes.Status409Conflict, "invalid_state", "No portal", "The sandbox was started without a portal URL."));
        }

        var (dto, problem) = await SandboxProblems.ReadJsonAsync<T>(http);
        return problem is null && string.IsNullOrWhiteSpace(required(dto!))
            ? (dto, SandboxProblems.Validation(http, requiredField, requiredField + " is required."))
            : (dto, problem);
    }

    /// <summary>
    /// Earn events whose order number starts with the prefix, plus the EARN ledger entries of those orders:
    /// both counts must match the number of orders if nothing was lost or doubled.
    /// </summary>
    private static async Task<IResult> EarnEventsAsync(string? order_prefix, LedgerDatabase db, CancellationToken cancellationToken)
    {
        var prefix = (order_prefix ?? "").Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var (events, entries) = await db.ReadAsync(async tx =>
        {
            var items = await tx.QueryAsync(
                "SELECT earn_event_id, order_number, xcn_user_id, product, points, status FROM earn_events WHERE order_number LIKE $p ESCAPE '\\' ORDER BY order_number;",
                r => new EarnEventDto(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetString(5)),
                ("$p", prefix)).ConfigureAwait(false);
            var earnEntries = await tx.LongAsync(
                "SELECT COUNT(*) FROM ledger_entries WHERE type = 'EARN' AND reference LIKE $p ESCAPE '\\';", ("$p", prefix)).ConfigureAwait(false);
            return (items, earnEntries);
        }, cancellationToken).ConfigureAwait(false);
        return SandboxJson.Ok(new
        {
            Total = events.Count,
            DistinctOrders = events.Select(e => (e.OrderNumber, e.Product)).Distinct().Count(),
            EarnEntries = entries,
            Items = events,
        });
    }
}
