namespace Rrr.Core.Rrr.Http;

/// <summary>How the portal reaches RRR (section "Rrr"). Validated at start-up by <see cref="RrrClientOptionsValidator"/>.</summary>
public sealed class RrrClientOptions
{
    public const string Section = "Rrr";

    /// <summary>RRR's API root, e.g. https://api.rrr.example/ (every path starts /v1/).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The portal's stable client id (X-Client-Id): RRR scopes idempotency keys by it.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The bearer credential. A secret: configuration or a vault, never appsettings.json.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The whole call including retries and their delays.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, for GETs and keyed calls only; 0 turns retrying off.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay (exponential, with jitter). Tests shrink it.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest Retry-After the client waits out within a call; a longer one ends the call as
    /// unavailable (with the Retry-After) rather than holding the user for it.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    public RrrCircuitBreakerOptions CircuitBreaker { get; set; } = new();
}

/// <summary>One breaker shared by every RRR client: RRR being down is one fact, not one per resource group.</summary>
public sealed class RrrCircuitBreakerOptions
{
    /// <summary>Share of failed calls in <see cref="SamplingDuration"/> that opens the circuit (0–1].</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in <see cref="SamplingDuration"/> before the ratio counts (at least 2).</summary>
    public int MinimumThroughput { get; set; } = 10;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long calls fail fast before one probe is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Names every bad setting by its configuration path, so an operator fixes them in one go.</summary>
public sealed class RrrClientOptionsValidator : IValidateOptions<RrrClientOptions>
{
    // Polly refuses these below its own minimums; saying so here names the setting instead.
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MinBreakerWindow = TimeSpan.FromMilliseconds(500);

    public ValidateOptionsResult Validate(string? name, RrrClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.BaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("Rrr:BaseUrl must be an absolute http(s) URL (RRR's API root).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add("Rrr:ClientId is required (the portal's X-Client-Id).");
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add("Rrr:ApiKey is required (the bearer credential RRR issued to the portal).");
        }

        if (options.Timeout < MinTimeout)
        {
            failures.Add("Rrr:Timeout must be at least 10 ms.");
        }

        if (options.AttemptTimeout < MinTimeout || options.AttemptTimeout > options.Timeout)
        {
            failures.Add("Rrr:AttemptTimeout must be at least 10 ms and no longer than Rrr:Timeout.");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add("Rrr:MaxRetries must be between 0 and 10.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero)
        {
            failures.Add("Rrr:RetryBaseDelay must not be negative.");
        }

        if (options.MaxRetryAfter < TimeSpan.Zero)
        {
            failures.Add("Rrr:MaxRetryAfter must not be negative.");
        }

        var breaker = options.CircuitBreaker;
        if (breaker is null)
        {
            failures.Add("Rrr:CircuitBreaker is required.");
        }
        else
        {
            if (breaker.FailureRatio is <= 0 or > 1)
            {
                failures.Add("Rrr:CircuitBreaker:FailureRatio must be above 0 and at most 1.");
            }

            if (breaker.MinimumThroughput < 2)
            {
                failures.Add("Rrr:CircuitBreaker:MinimumThroughput must be at least 2.");
            }

            if (breaker.SamplingDuration < MinBreakerWindow)
            {
                failures.Add("Rrr:CircuitBreaker:SamplingDuration must be at least 500 ms.");
            }

            if (breaker.BreakDuration < MinBreakerWindow)
            {
                failures.Add("Rrr:CircuitBreaker:BreakDuration must be at least 500 ms.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
