using FluentValidation;

namespace Rrr.Portal.Features.Earn;

/// <summary>
/// <c>POST /internal/orders/paid</c> and <c>/refunded</c>: XCN's payment system reports orders. The order
/// is committed to the earn outbox before the answer (202 new, 200 a repeat of the same facts, 409 the
/// same order number with other facts) and never waits for RRR: the <see cref="EarnDispatcher"/> posts it.
/// </summary>
public static partial class OrderEndpoints
{
    public const string PaidPath = "/internal/orders/paid";
    public const string RefundedPath = "/internal/orders/refunded";

    /// <summary>snake_case like RRR's wire, independent of the portal's other JSON.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static IEndpointRouteBuilder MapEarnEndpoints(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/internal/orders")
            .RequireAuthorization(InternalApiKeyHandler.Policy)
            .DisableAntiforgery()
            .AddEndpointFilter<AutomaticEarnGate>();
        MapOrder<OrderPaidRequest>(orders, "/paid", OrderPaidValidator.ToOrder).DescribeOrderPaid();
        MapOrder<OrderRefundedRequest>(orders, "/refunded", OrderRefundedValidator.ToOrder).DescribeOrderRefunded();
        return app;
    }

    /// <summary>Both order events take the same steps: read the body, validate it, accept the order it stands for.</summary>
    private static RouteHandlerBuilder MapOrder<TRequest>(RouteGroupBuilder orders, string path, Func<TRequest, DateTimeOffset, EarnOrder> toOrder)
        where TRequest : class =>
        orders.MapPost(path, (Func<HttpContext, IValidator<TRequest>, EarnIntake, IOptions<EarnOptions>, TimeProvider, ILoggerFactory, Task<IResult>>)(
            (http, validator, intake, options, time, loggers) => ReportAsync(http, validator, toOrder, intake, options.Value, time, loggers)));

    private static async Task<IResult> ReportAsync<TRequest>(
        HttpContext http, IValidator<TRequest> validator, Func<TRequest, DateTimeOffset, EarnOrder> toOrder, EarnIntake intake, EarnOptions settings,
        TimeProvider time, ILoggerFactory loggers)
        where TRequest : class
    {
        var (request, malformed) = await ReadAsync<TRequest>(http);
        if (malformed is not null)
        {
            return malformed;
        }

        var validation = await validator.ValidateAsync(request!, http.RequestAborted);
        if (!validation.IsValid)
        {
            return ValidationProblem(validation);
        }

        // The tier is decided here, once, and stored with the order: the row says what was sent to RRR.
        var order = toOrder(request!, time.GetUtcNow());
        if (order.MembershipPlan is { } plan)
        {
            if (!settings.TryTierFor(plan, out var tier))
            {
                LogUnknownPlan(loggers.CreateLogger(typeof(OrderEndpoints)), order.OrderNumber);
                return UnknownPlan(settings);
            }

            order = order with { Tier = tier };
        }

        return await AcceptAsync(order, intake, loggers, http.RequestAborted);
    }

    private static async Task<IResult> AcceptAsync(EarnOrder order, EarnIntake intake, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(OrderEndpoints));
        var result = await intake.AcceptAsync(order, cancellationToken);
        var body = OrderEventResponse.From(result.Row);
        switch (result.Outcome)
        {
            case AcceptOutcome.Accepted:
                LogAccepted(logger, order.OrderNumber, order.Kind, order.XcnUserId);
                return Results.Json(body, Json, statusCode: StatusCodes.Status202Accepted);
            case AcceptOutcome.Repeat:
                LogRepeat(logger, order.OrderNumber, order.Kind);
                return Results.Json(body, Json, statusCode: StatusCodes.Status200OK);
            default:
                LogConflict(logger, order.OrderNumber, order.Kind);
                return Results.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Order already reported with other details.",
                    detail: "This order number and event were accepted before with a different user, product, amount, time or plan.",
                    extensions: new Dictionary<string, object?> { ["code"] = "order_conflict" });
        }
    }

    private static async Task<(T? Request, IResult? Problem)> ReadAsync<T>(HttpContext http)
        where T : class
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send application/json."));
        }

        if (http.Request.ContentLength > OrderRules.MaxBodyBytes
            || await BoundedBody.ReadAsync(http.Request.BodyReader, OrderRules.MaxBodyBytes, http.RequestAborted) is not { } body)
        {
            return (null, Results.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Order body too large.",
                detail: $"An order event takes at most {OrderRules.MaxBodyBytes} bytes."));
        }

        try
        {
            var request = JsonSerializer.Deserialize<T>(body, Json);
            return request is null
                ? (null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "A JSON object is required."))
                : (request, null);
        }
        catch (JsonException)
        {
            // No echo of the body or the parser's message: both may quote what was sent.
            return (null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed JSON body."));
        }
    }

    private static IResult ValidationProblem(FluentValidation.Results.ValidationResult validation) =>
        Results.ValidationProblem(
            validation.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()),
            title: "The order is invalid.",
            extensions: new Dictionary<string, object?> { ["code"] = "validation_failed" });

    /// <summary>
    /// A well-formed plan the tier map does not know: 422, nothing stored. The answer lists the known plans (configuration,
    /// not data) and never echoes the one sent.
    /// </summary>
    private static IResult UnknownPlan(EarnOptions settings) =>
        Results.ValidationProblem(
            new Dictionary<string, string[]>
            {
                ["membership_plan"] = [$"membership_plan must be one of: {string.Join(", ", settings.MembershipTiers.Keys.Order(StringComparer.Ordinal))}."],
            },
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Unknown membership plan.",
            detail: "The portal maps each XCN membership plan to an RRR tier (Earn:MembershipTiers); this plan is not one of them.",
            extensions: new Dictionary<string, object?> { ["code"] = "unknown_plan" });

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderNumber} ({Kind}) for {XcnUserId} accepted into the earn outbox")]
    private static partial void LogAccepted(ILogger logger, string orderNumber, OrderEventKind kind, string xcnUserId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderNumber} ({Kind}) reported again; answered with its current state")]
    private static partial void LogRepeat(ILogger logger, string orderNumber, OrderEventKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderNumber} refused: its membership plan is not in Earn:MembershipTiers")]
    private static partial void LogUnknownPlan(ILogger logger, string orderNumber);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderNumber} ({Kind}) reported again with other details; refused")]
    private static partial void LogConflict(ILogger logger, string orderNumber, OrderEventKind kind);
}
