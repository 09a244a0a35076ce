using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Rrr.Portal.Hosting;

/// <summary>
/// Every rate limit of the portal, bound from "RateLimits" (each a fixed window: <c>PermitLimit</c> per <c>Window</c>).
/// Per signed-in user (the <c>sub</c>): link starts, link code tries, SSO tickets, history exports. Per client address: webhooks
/// that fail verification, internal calls without a valid key, health probes.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public RateLimitRule LinkIntents { get; set; } = new MemberActionLimits().LinkIntents;

    public RateLimitRule LinkCodes { get; set; } = new MemberActionLimits().LinkCodes;

    public RateLimitRule SsoTickets { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromMinutes(5) };

    /// <summary>Each export walks the member's ledger at RRR page by page; a few a minute is plenty for a person.</summary>
    public RateLimitRule HistoryExports { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(5) };

    /// <summary>Only failed deliveries count: a delivery that verifies is never limited.</summary>
    public RateLimitRule WebhookFailures { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Only missing or wrong <c>X-Internal-Key</c> calls count: a valid key is never limited.</summary>
    public RateLimitRule InternalKeyFailures { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Generous: a load balancer probes every few seconds from one address.</summary>
    public RateLimitRule Health { get; set; } = new() { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) };

    internal IEnumerable<(string Name, RateLimitRule? Rule)> Rules() =>
    [
        (nameof(LinkIntents), LinkIntents), (nameof(LinkCodes), LinkCodes), (nameof(SsoTickets), SsoTickets), (nameof(HistoryExports), HistoryExports),
        (nameof(WebhookFailures), WebhookFailures), (nameof(InternalKeyFailures), InternalKeyFailures), (nameof(Health), Health),
    ];
}

internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = options.Rules()
            .Select(r => (r.Name, Problem: r.Rule is null ? "is required." : r.Rule.Problem()))
            .Where(r => r.Problem is not null)
            .Select(r => $"{RateLimitOptions.Section}:{r.Name}: {r.Problem}")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Names of the endpoint policies (<c>RequireRateLimiting</c>).</summary>
public static class RateLimitPolicies
{
    public const string SsoTickets = "sso-tickets";
    public const string HistoryExports = "history-exports";
    public const string Health = "health";
}

public enum ClientFailure
{
    Webhook,
    InternalKey,
}

/// <summary>
/// Counts refusals per client address, and only refusals: the caller asks after deciding a request failed, so a
/// valid webhook or key never spends a permit and is answered however many failures its address has.
/// </summary>
public sealed class ClientFailureLimiter(IOptions<RateLimitOptions> settings)
    : KeyedLimiter<ClientFailure, RateLimitOptions>(settings, (value, kind) => kind == ClientFailure.Webhook ? value.WebhookFailures : value.InternalKeyFailures)
{
    /// <summary>Counts one failure; null while the address is within its limit, else how long it must wait.</summary>
    public TimeSpan? CountFailure(ClientFailure kind, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return Acquire(kind, RateLimitHosting.ClientAddress(http));
    }
}

public static class RateLimitHosting
{
    /// <summary>Settings (validated at start-up), the framework's rate limiter with the endpoint policies, the failure and member limiters.</summary>
    public static IServiceCollection AddPortalRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddOptions<MemberActionLimits>().Configure<IOptions<RateLimitOptions>>((limits, settings) =>
        {
            limits.LinkIntents = settings.Value.LinkIntents;
            limits.LinkCodes = settings.Value.LinkCodes;
        });
        services.AddSingleton<ClientFailureLimiter>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) => new ValueTask(WriteTooManyAsync(context.HttpContext, RateLimitRule.RetryAfterOf(context.Lease)));
        });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, settings) =>
        {
            var value = settings.Value;

            // After authentication and authorization (see UsePortal), so the user is known and only authorized calls count.
            o.AddPolicy(RateLimitPolicies.SsoTickets, http => value.SsoTickets.Partition(PerMember(http)));
            o.AddPolicy(RateLimitPolicies.HistoryExports, http => value.HistoryExports.Partition(PerMember(http)));
            o.AddPolicy(RateLimitPolicies.Health, http => value.Health.Partition(ClientAddress(http)));
        });
        return services;
    }

    private static string PerMember(HttpContext http) =>
        http.User.FindFirst("sub")?.Value is { Length: > 0 } sub ? "sub:" + sub : "ip:" + ClientAddress(http);

    /// <summary>
    /// The remote address as the forwarded-headers middleware left it (the proxy's client, once trusted). IPv4 seen
    /// as IPv6 counts as itself; IPv6 counts by its /64, since one host may pick any address in its network.
    /// </summary>
    public static string ClientAddress(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Connection.RemoteIpAddress is not { } address)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>429 with <c>Retry-After</c> (whole seconds, rounded up) and a problem body that says how long.</summary>
    public static Task WriteTooManyAsync(HttpContext http, TimeSpan retryAfter) => TooMany(http, retryAfter).ExecuteAsync(http);

    /// <inheritdoc cref="WriteTooManyAsync"/>
    public static IResult TooMany(HttpContext http, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(http);
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests.",
            detail: string.Create(CultureInfo.InvariantCulture, $"Try again in {seconds} s."),
            extensions: new Dictionary<string, object?> { ["retry_after_seconds"] = seconds });
    }
}
