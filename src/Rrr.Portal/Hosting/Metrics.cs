using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Components.Server.Circuits;
using OpenTelemetry.Metrics;

namespace Rrr.Portal.Hosting;

/// <summary>
/// Where Prometheus scrapes and with what. A Prometheus server cannot sign in through OpenID Connect, so
/// <c>/metrics</c> takes a bearer scrape key (<c>Authorization: Bearer KEY</c>) from <c>Metrics:ScrapeKeys</c>;
/// several keys allow a rotation. A signed-in admin's session is accepted too (a person looking in a browser).
/// Anything else is 401 (403 for a signed-in non-admin); with no key configured only admins can read it.
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";
    public const string Path = "/metrics";
    public const int MinKeyLength = 32;

    public IList<string> ScrapeKeys { get; set; } = [];

    /// <summary>
    /// The store-backed gauges (backlog, dead letters, inbox, approvals) are read at most this often, however
    /// often or from however many Prometheus servers the endpoint is scraped.
    /// </summary>
    public int SnapshotSeconds { get; set; } = 15;
}

internal sealed class MetricsOptionsValidator(IHostEnvironment environment) : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var failures = new List<string>();
        if (options.SnapshotSeconds is < 1 or > 300)
        {
            failures.Add($"{MetricsOptions.Section}:SnapshotSeconds must be between 1 and 300.");
        }

        // Development may use a short key in a local Prometheus; anywhere else it is a real secret.
        for (var i = 0; i < options.ScrapeKeys.Count && !environment.IsDevelopment(); i++)
        {
            if ((options.ScrapeKeys[i] ?? "").Length < MetricsOptions.MinKeyLength)
            {
                failures.Add($"{MetricsOptions.Section}:ScrapeKeys:{i} must be at least {MetricsOptions.MinKeyLength} characters outside Development.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Authenticates a Prometheus server by its bearer scrape key; used only by the metrics policy.</summary>
internal sealed class MetricsScrapeKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<MetricsOptions> settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MetricsScrapeKey";

    /// <summary>Bearer header: the scrape key; otherwise the portal's session. Challenges are always a 401 problem.</summary>
    public const string SelectorScheme = "MetricsScrapeKeyOrSession";
    public const string Policy = "metrics-scrape";
    public const string ScraperRole = "metrics_scraper";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!InternalApiKeyHandler.Matches(value["Bearer ".Length..].Trim(), settings.CurrentValue.ScrapeKeys))
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid scrape key."));
        }

        return Task.FromResult(InternalApiKeyHandler.KeyHolder(SchemeName, "metrics-scraper", ScraperRole));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Scrape key required.", detail: "Send Authorization: Bearer with a configured Metrics:ScrapeKeys value.")
            .ExecuteAsync(Context);
    }
}

/// <summary>What the store-backed gauges report; read at most every <see cref="MetricsOptions.SnapshotSeconds"/>.</summary>
internal sealed record OperationsFigures(
    long EarnBacklog,
    double EarnOldestAgeSeconds,
    long EarnDeadLetters,
    long InboxPending,
    double InboxOldestAgeSeconds,
    long InboxFailed,
    long ApprovalsWaiting);

/// <summary>
/// One cached snapshot of the store-backed figures. A scrape (any number of them, from any number of servers)
/// reads the store at most once per <see cref="MetricsOptions.SnapshotSeconds"/>; a store that does not answer
/// within 2 s leaves the last figures in place (the portal stays up; the health check reports the store).
/// </summary>
internal sealed partial class OperationsSnapshot(
    IEarnOutbox outbox,
    IWebhookInbox inbox,
    IApprovalStore approvals,
    TimeProvider time,
    IOptionsMonitor<MetricsOptions> settings,
    ILogger<OperationsSnapshot> logger)
{
    /// <summary>Counting waiting approvals walks the queue; past this many the gauge says "at least".</summary>
    public const int ApprovalsCountCap = 1000;

    private readonly Lock gate = new();
    private OperationsFigures figures = new(0, 0, 0, 0, 0, 0, 0);
    private DateTimeOffset? readAt;

    public long Reads { get; private set; }

    /// <summary>The cached figures, refreshed first when older than the snapshot interval.</summary>
    public OperationsFigures Current()
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (readAt is { } at && now - at < TimeSpan.FromSeconds(settings.CurrentValue.SnapshotSeconds))
            {
                return figures;
            }

            readAt = now;
            try
            {
                // Collection callbacks are synchronous; the store calls are short and run at most once per interval.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                figures = ReadAsync(now, timeout.Token).GetAwaiter().GetResult();
                Reads++;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogReadFailed(logger, ex);
            }

            return figures;
        }
    }

    private async Task<OperationsFigures> ReadAsync(DateTimeOffset now, CancellationToken ct)
    {
        var counts = await outbox.CountByStatusAsync(ct);
        var oldest = await outbox.OldestWaitingAcceptedAtAsync(ct);

        // As /health/ready: an expired hold (the buyer never linked) is a dead letter no admin has to act on.
        var holdExpired = counts.GetValueOrDefault(OutboxStatus.Dead) > 0 ? await outbox.CountDeadAsync(OutboxCodes.HoldExpired, ct) : 0;
        var pending = await inbox.CountAsync(InboxStatus.Pending, ct);
        var oldestEvent = await inbox.OldestPendingReceivedAtAsync(ct);
        var failed = await inbox.CountAsync(InboxStatus.Failed, ct);
        long waiting = 0;
        ApprovalQueueCursor? after = null;
        do
        {
            var page = await approvals.ListPendingAsync(new ApprovalQueueQuery(now, After: after, Take: ApprovalQueueQuery.MaxTake), ct);
            waiting += page.Count;
            after = page.Count < ApprovalQueueQuery.MaxTake ? null : new ApprovalQueueCursor(page[^1].CreatedAt, page[^1].Id);
        }
        while (after is not null && waiting < ApprovalsCountCap);

        return new OperationsFigures(
            counts.GetValueOrDefault(OutboxStatus.Pending) + counts.GetValueOrDefault(OutboxStatus.Claimed),
            oldest is { } accepted ? Math.Max(0, (now - accepted).TotalSeconds) : 0,
            counts.GetValueOrDefault(OutboxStatus.Dead) - holdExpired,
            pending,
            oldestEvent is { } received ? Math.Max(0, (now - received).TotalSeconds) : 0,
            failed,
            Math.Min(waiting, ApprovalsCountCap));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the operations figures for the metrics; the last figures stay")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}

/// <summary>
/// The portal's business gauges on the <c>Rrr.Portal</c> meter (Prometheus names in brackets): earn backlog
/// [rrr_earn_backlog], oldest waiting order [rrr_earn_oldest_age_seconds], dead letters [rrr_earn_dead_letters],
/// webhook inbox pending, its oldest event's age and failed [rrr_webhooks_inbox_pending,
/// rrr_webhooks_inbox_oldest_age_seconds, rrr_webhooks_inbox_failed], approvals waiting
/// [rrr_approvals_waiting], the RRR circuit [rrr_client_circuit_open] and open Blazor circuits
/// [rrr_blazor_circuits_open]. RRR call latency is <see cref="RrrClientMetrics"/>; webhook answers by status are
/// ASP.NET Core's own http_server_request_duration_seconds (http_route="/webhooks/rrr").
/// </summary>
internal sealed class PortalMetrics : IHostedService
{
    private readonly UpDownCounter<long> circuits;

    public PortalMetrics(IMeterFactory meters, OperationsSnapshot snapshot, RrrCircuitState rrrCircuit)
    {
        var meter = meters.Create(RrrClientMetrics.MeterName);
        meter.CreateObservableGauge("rrr.earn.backlog", () => snapshot.Current().EarnBacklog, "{order}", "Orders accepted and not yet posted to RRR (pending or claimed).");
        meter.CreateObservableGauge("rrr.earn.oldest_age", () => snapshot.Current().EarnOldestAgeSeconds, "s", "Age of the oldest order waiting for RRR; 0 when none waits.");
        meter.CreateObservableGauge("rrr.earn.dead_letters", () => snapshot.Current().EarnDeadLetters, "{order}", "Earn dead letters waiting for an admin (/admin/earn).");
        meter.CreateObservableGauge("rrr.webhooks.inbox.pending", () => snapshot.Current().InboxPending, "{event}", "Webhook events received and not yet processed (the inbox lag).");
        meter.CreateObservableGauge("rrr.webhooks.inbox.oldest_age", () => snapshot.Current().InboxOldestAgeSeconds, "s", "Age of the oldest webhook event waiting for processing (the inbox lag in time); 0 when none waits.");
        meter.CreateObservableGauge("rrr.webhooks.inbox.failed", () => snapshot.Current().InboxFailed, "{event}", "Webhook events whose processing failed.");
        meter.CreateObservableGauge("rrr.approvals.waiting", () => snapshot.Current().ApprovalsWaiting, "{request}", "Approval requests waiting for a decision (capped at 1000).");
        meter.CreateObservableGauge("rrr.client.circuit.open", () => rrrCircuit.IsOpen ? 1 : 0, null, "1 while the RRR circuit breaker is open (calls fail fast).");
        circuits = meter.CreateUpDownCounter<long>("rrr.blazor.circuits.open", "{circuit}", "Interactive Blazor circuits open on this instance.");

        // So the series exists (at 0) from the first scrape, not only after the first circuit.
        circuits.Add(0);
    }

    public void CircuitOpened() => circuits.Add(1);

    public void CircuitClosed() => circuits.Add(-1);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Counts open circuits (one per connected browser tab) for <see cref="PortalMetrics"/>.</summary>
internal sealed class CircuitCountingHandler(PortalMetrics metrics) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitOpened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitClosed();
        return Task.CompletedTask;
    }
}

internal static class MetricsHosting
{
    public static IServiceCollection AddPortalMetrics(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddSingleton<OperationsSnapshot>();
        services.AddSingleton<PortalMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<PortalMetrics>());
        services.AddSingleton<CircuitHandler, CircuitCountingHandler>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, MetricsScrapeKeyHandler>(MetricsScrapeKeyHandler.SchemeName, null)
            .AddPolicyScheme(MetricsScrapeKeyHandler.SelectorScheme, null, o =>
            {
                o.ForwardDefaultSelector = http => http.Request.Headers.Authorization.Any(v => v?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true)
                    ? MetricsScrapeKeyHandler.SchemeName
                    : DefaultAuthenticateScheme(http);

                // Never the sign-in redirect: a scraper without a key gets a 401 problem, a member a 403.
                o.ForwardChallenge = MetricsScrapeKeyHandler.SchemeName;
                o.ForwardForbid = MetricsScrapeKeyHandler.SchemeName;
            });
        services.AddAuthorizationBuilder().AddPolicy(MetricsScrapeKeyHandler.Policy, p => p
            .AddAuthenticationSchemes(MetricsScrapeKeyHandler.SelectorScheme)
            .RequireAuthenticatedUser()
            .RequireRole(MetricsScrapeKeyHandler.ScraperRole, Auth.PortalRoles.Admin));
        return services;
    }

    private static string? DefaultAuthenticateScheme(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<AuthenticationOptions>>().Value;
        return options.DefaultAuthenticateScheme ?? options.DefaultScheme;
    }

    public static MeterProviderBuilder AddPortalMeters(this MeterProviderBuilder metrics) =>
        metrics.AddMeter(RrrClientMetrics.MeterName).AddPrometheusExporter();

    public static IEndpointRouteBuilder MapPortalMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsOptions.Path)
            .RequireAuthorization(MetricsScrapeKeyHandler.Policy)
            .DisableAntiforgery();
        return app;
    }
}
