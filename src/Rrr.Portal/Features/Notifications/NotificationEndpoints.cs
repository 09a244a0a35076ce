namespace Rrr.Portal.Features.Notifications;

/// <summary>
/// <c>POST /internal/notifications/expiry-reminders</c>: one reminder walk now, for an operator's scheduler or a
/// test, besides the daily one. It is safe to call at any time and from any instance: a batch is reminded once.
/// </summary>
public static class NotificationEndpoints
{
    public const string ExpiryRemindersPath = "/internal/notifications/expiry-reminders";

    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(ExpiryRemindersPath, async (ExpiryReminders reminders, CancellationToken cancellationToken) =>
            {
                var run = await reminders.RunOnceAsync(cancellationToken);
                return TypedResults.Json(
                    new ExpiryRemindersResponse(run.Members, run.Reminded, run.NotAnswered, run.StoppedByOutage), OrderEndpoints.Json);
            })
            .RequireAuthorization(InternalApiKeyHandler.Policy)
            .DisableAntiforgery()
            .DescribeExpiryReminders();
        return app;
    }
}

/// <summary>What the walk did: members asked, reminders stored now, members RRR gave no wallet for, and whether an outage cut it short.</summary>
public sealed record ExpiryRemindersResponse(int Members, int Reminded, int NotAnswered, bool StoppedByOutage);
