namespace Rrr.Sandbox.Webhooks;

/// <summary><c>/sandbox/webhooks/*</c>: the delivery log and re-send (no RRR credential; development only).</summary>
public static class WebhookEndpoints
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapSandboxWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sandbox/webhooks");
        group.MapGet("/deliveries", (Func<HttpContext, WebhookStore, string?, string?, Task<IResult>>)ListDeliveriesAsync);
        group.MapGet("/events", (Func<HttpContext, WebhookStore, string?, Task<IResult>>)ListEventsAsync);
        group.MapPost("/deliveries/{eventId}/resend", (Func<HttpContext, WebhookResender, string, Task<IResult>>)ResendAsync);
        return app;
    }

    internal sealed record DeliveryDto(
        string EventId, string Type, string Status, int Attempt, DateTimeOffset AttemptedAt,
        int? ResponseCode, string? Error, long DurationMs, DateTimeOffset? NextAttemptAt);

    internal sealed record EventDto(
        string EventId, string Type, string CreatedAt, string Status, int Attempts,
        int? LastResponseCode, string? LastError, DateTimeOffset? NextAttemptAt);

    internal sealed record ItemsDto<T>(IReadOnlyList<T> Items);

    internal sealed record ResendDto(string EventId, string Status);

    private static async Task<IResult> ListDeliveriesAsync(
        HttpContext http, WebhookStore store, string? limit, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "event_id")] string? eventId)
    {
        if (!TryLimit(limit, out var take))
        {
            return SandboxProblems.Validation(http, "limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }

        var rows = await store.ListAttemptsAsync(take, string.IsNullOrEmpty(eventId) ? null : eventId, http.RequestAborted);
        return SandboxJson.Ok(new ItemsDto<DeliveryDto>(rows.Select(r => new DeliveryDto(
            r.EventId, r.Type, r.State, r.Attempt, r.AttemptedAt, r.ResponseStatus, r.Error, r.DurationMs, r.NextAttemptAt)).ToList()));
    }

    private static async Task<IResult> ListEventsAsync(HttpContext http, WebhookStore store, string? limit)
    {
        if (!TryLimit(limit, out var take))
        {
            return SandboxProblems.Validation(http, "limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }

        var rows = await store.ListEventsAsync(take, http.RequestAborted);
        return SandboxJson.Ok(new ItemsDto<EventDto>(rows.Select(r => new EventDto(
            r.EventId, r.Type, r.CreatedAt, r.State, r.Attempts, r.LastStatus, r.LastError, r.NextAttemptAt)).ToList()));
    }

    private static async Task<IResult> ResendAsync(HttpContext http, WebhookResender resender, string eventId)
    {
        return await resender.ResendAsync(eventId, http.RequestAborted)
            ? SandboxJson.Ok(new ResendDto(eventId, "QUEUED"), StatusCodes.Status202Accepted)
            : SandboxProblems.NotFound(http, "No webhook event has that id.");
    }

    private static bool TryLimit(string? raw, out int limit)
    {
        if (string.IsNullOrEmpty(raw))
        {
            limit = DefaultLimit;
            return true;
        }

        return int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit)
            && limit is >= 1 and <= MaxLimit;
    }
}

/// <summary>Queues an immediate new attempt of an event: same id and body, new timestamp and signature.</summary>
internal sealed class WebhookResender(WebhookStore store, WebhookSignal signal, TimeProvider time)
{
    public async Task<bool> ResendAsync(string eventId, CancellationToken cancellationToken)
    {
        if (!await store.RequestResendAsync(eventId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        signal.Notify();
        return true;
    }
}
