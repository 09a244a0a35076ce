namespace Rrr.Portal.Features.Webhooks;

/// <summary>
/// <c>POST /webhooks/rrr</c>: RRR's signed events (Standard Webhooks). Anonymous to the cookie/OIDC
/// scheme because the signature is the authentication. Verify first, store the allow-listed event
/// in the inbox keyed by its id, answer fast; the <see cref="WebhookProcessor"/> does the rest.
/// </summary>
public static partial class RrrWebhookEndpoints
{
    public const string Path = "/webhooks/rrr";

    // Bounds on what an unauthenticated caller may send before anything is read or hashed: the event's own id
    // rule (the body id must equal the header), 10-digit timestamps with room, a few signatures during a rotation.
    internal const int MaxIdLength = RrrEventPayload.MaxIdLength;
    internal const int MaxTimestampLength = 20;
    internal const int MaxSignatureLength = 1024;

    public static IEndpointRouteBuilder MapRrrWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, (Func<HttpContext, RrrWebhookReceiver, WebhookProcessorSignal, TimeProvider, ClientFailureLimiter, Task<IResult>>)ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("RrrWebhook")
            .DescribeRrrWebhook()

            // Runs straight from routing, skipping status-code pages, authentication, authorization
            // and antiforgery: the signature is this endpoint's only authentication, its errors are
            // problem+json already, and none of those middlewares has anything to add to it.
            .ShortCircuit();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpContext http,
        RrrWebhookReceiver receiver,
        WebhookProcessorSignal signal,
        TimeProvider time,
        ClientFailureLimiter failures)
    {
        var logger = receiver.Logger;
        var request = http.Request;
        if (receiver.Verifier is not { } verifier)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Webhook receiving is not configured.");
        }

        string? id = request.Headers["webhook-id"];
        string? timestamp = request.Headers["webhook-timestamp"];
        string? signature = request.Headers["webhook-signature"];
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return Refuse(http, failures, Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Missing webhook headers.",
                detail: "webhook-id, webhook-timestamp and webhook-signature are required."));
        }

        if (id.Length > MaxIdLength || timestamp.Length > MaxTimestampLength || signature.Length > MaxSignatureLength)
        {
            return Refuse(http, failures, Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Webhook headers too long.",
                detail: $"webhook-id takes at most {MaxIdLength} characters, webhook-timestamp {MaxTimestampLength}, webhook-signature {MaxSignatureLength}."));
        }

        if (request.ContentLength > RrrWebhookOptions.MaxBodyBytes
            || await BoundedBody.ReadAsync(request.BodyReader, RrrWebhookOptions.MaxBodyBytes, http.RequestAborted) is not { } body)
        {
            return Refuse(http, failures, Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Webhook body too large."));
        }

        // Always verified, even from an address over its failure limit: the check is bounded and cheap, and a
        // delivery RRR really signed must never be turned away because someone else shares the address.
        var verification = verifier.Verify(id, timestamp, signature, body);
        if (!verification.IsValid)
        {
            // Past the limit, not even logged: a flood of forgeries must not flood the log as well.
            if (failures.CountFailure(ClientFailure.Webhook, http) is { } wait)
            {
                return RateLimitHosting.TooMany(http, wait);
            }

            // One answer for every reason (signature, age, format): the caller learns nothing to adjust.
            LogRejected(logger, verification.Rejection, Opaque(id));
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Webhook signature rejected.");
        }

        var rrrEvent = RrrEventPayload.Parse(body);
        if (rrrEvent is null)
        {
            LogMalformed(logger, Opaque(id));
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed webhook event.");
        }

        if (!string.Equals(rrrEvent.Id, id, StringComparison.Ordinal))
        {
            LogMalformed(logger, Opaque(id));
            return Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Malformed webhook event.",
                detail: "The body id must equal the webhook-id header.");
        }

        var stored = new InboxEvent(rrrEvent.Id, rrrEvent.Type, time.GetUtcNow(), RrrEventPayload.ToJson(rrrEvent));
        if (await receiver.AddToInboxAsync(stored, http.RequestAborted) == InboxAddResult.Duplicate)
        {
            LogDuplicate(logger, rrrEvent.Id, rrrEvent.Type);
            return Results.Ok();
        }

        signal.Notify();
        LogStored(logger, rrrEvent.Id, rrrEvent.Type);
        return Results.Accepted();
    }

    /// <summary>Counts a refusal against the caller's address; past its limit the answer is 429 instead.</summary>
    private static IResult Refuse(HttpContext http, ClientFailureLimiter failures, IResult answer) =>
        failures.CountFailure(ClientFailure.Webhook, http) is { } wait ? RateLimitHosting.TooMany(http, wait) : answer;

    // Unverified header values reach the log only cut short.
    private static string Opaque(string value) => value.Length <= 100 ? value : value[..100];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} rejected: {Rejection}")]
    private static partial void LogRejected(ILogger logger, WebhookRejection rejection, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} verified but malformed")]
    private static partial void LogMalformed(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook event {EventId} ({EventType}) is a duplicate; acknowledged")]
    private static partial void LogDuplicate(ILogger logger, string eventId, string eventType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook event {EventId} ({EventType}) stored")]
    private static partial void LogStored(ILogger logger, string eventId, string eventType);
}

/// <summary>
/// What the endpoint keeps across requests: the verifier built once from the validated secrets (null when none
/// are configured, non-Production only) and the inbox write, group-committed unless
/// <see cref="RrrWebhookOptions.BatchInserts"/> is off.
/// </summary>
public sealed class RrrWebhookReceiver : IAsyncDisposable
{
    /// <summary>Inbox events one group commit takes at most.</summary>
    public const int MaxBatch = 256;

    private readonly IWebhookInbox inbox;

    public RrrWebhookReceiver(IOptions<RrrWebhookOptions> settings, IWebhookInbox inbox, TimeProvider time, ILogger<RrrWebhookReceiver> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.inbox = inbox;
        Logger = logger;
        Verifier = settings.Value.Secrets.Count == 0
            ? null
            : new StandardWebhookVerifier(settings.Value.Secrets.Select(WebhookSecret.Parse).ToList(), time);
        Batches = settings.Value.BatchInserts ? new GroupCommit<InboxEvent, InboxAddResult>(inbox.TryAddManyAsync, MaxBatch) : null;
    }

    /// <summary>The endpoint's logger, resolved once rather than per request.</summary>
    public ILogger Logger { get; }

    public StandardWebhookVerifier? Verifier { get; }

    /// <summary>The group commit of inbox inserts; null when each event is written alone.</summary>
    public GroupCommit<InboxEvent, InboxAddResult>? Batches { get; }

    /// <summary>Stores the event in the inbox; answers only once the write is durable.</summary>
    public Task<InboxAddResult> AddToInboxAsync(InboxEvent inboxEvent, CancellationToken cancellationToken) =>
        Batches is { } batches ? batches.AddAsync(inboxEvent, cancellationToken) : inbox.TryAddAsync(inboxEvent, cancellationToken);

    public ValueTask DisposeAsync() => Batches?.DisposeAsync() ?? ValueTask.CompletedTask;
}
