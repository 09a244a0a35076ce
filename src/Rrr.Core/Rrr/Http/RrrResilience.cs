using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace Rrr.Core.Rrr.Http;

/// <summary>
/// The resilience pipeline of every RRR client: total timeout → retry → (shared) circuit breaker →
/// attempt timeout. Retries only repeat what cannot act twice: GETs and calls with an Idempotency-Key.
/// </summary>
internal static partial class RrrResilience
{
    public const string PipelineName = "rrr";

    /// <summary>Key of the one circuit breaker all RRR clients share (see <see cref="RrrCircuitBreakerOptions"/>).</summary>
    public const string CircuitBreakerKey = "rrr-circuit-breaker";

    public static void AddSharedCircuitBreaker(IServiceCollection services)
    {
        services.TryAddSingleton<RrrCircuitState>();
        services.AddResiliencePipeline<string, HttpResponseMessage>(CircuitBreakerKey, (builder, context) =>
        {
            var breaker = context.ServiceProvider.GetRequiredService<IOptions<RrrClientOptions>>().Value.CircuitBreaker;
            builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                StateProvider = context.ServiceProvider.GetRequiredService<RrrCircuitState>().Provider,
            });
        });
    }

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var services = context.ServiceProvider;
        var options = services.GetRequiredService<IOptions<RrrClientOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RrrResilience).FullName!);

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "rrr-total-timeout", Timeout = options.Timeout });
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "rrr-retry",
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context.GetRequestMessage(), args.Outcome, options, time)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfterWithinCap(args.Outcome, options, time)),
                OnRetry = args =>
                {
                    var request = args.Context.GetRequestMessage();
                    var result = args.Outcome.Result is { } response
                        ? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)
                        : args.Outcome.Exception?.GetType().Name ?? "unknown";

                    // AttemptNumber is the 0-based index of the attempt that failed; the log names the next one, 1-based.
                    LogRetrying(
                        logger,
                        request is null ? "RRR call" : RrrRequest.Operation(request),
                        args.AttemptNumber + 2,
                        result,
                        (long)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddPipeline(services.GetRequiredService<ResiliencePipelineProvider<string>>()
            .GetPipeline<HttpResponseMessage>(CircuitBreakerKey));
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "rrr-attempt-timeout", Timeout = options.AttemptTimeout });
    }

    /// <summary>
    /// Retry a transient failure (408, 429, 5xx, no connection, attempt timeout), and a 409 that carries
    /// Retry-After (request_in_progress: the first request with this key is still running, so the retry
    /// gets its replay) — but only for a request that is safe to repeat, and never against a Retry-After
    /// longer than the cap.
    /// </summary>
    internal static bool ShouldRetry(
        HttpRequestMessage? request,
        Outcome<HttpResponseMessage> outcome,
        RrrClientOptions options,
        TimeProvider time)
    {
        if (request is null || !RrrRequest.IsSafeToRepeat(request))
        {
            return false;
        }

        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or TimeoutRejectedException;
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        var status = response.StatusCode;
        var transient = (int)status >= 500
            || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            || (status == HttpStatusCode.Conflict && response.Headers.RetryAfter is not null);
        return transient && !(RrrProblem.RetryAfter(response.Headers, time.GetUtcNow()) > options.MaxRetryAfter);
    }

    /// <summary>RRR's Retry-After when it sent one (within the cap); otherwise null, so the backoff applies.</summary>
    internal static TimeSpan? RetryAfterWithinCap(Outcome<HttpResponseMessage> outcome, RrrClientOptions options, TimeProvider time) =>
        outcome.Result is { } response && RrrProblem.RetryAfter(response.Headers, time.GetUtcNow()) is { } delay && delay <= options.MaxRetryAfter
            ? delay
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "RRR call {Operation} failed ({Result}); attempt {NextAttempt} in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, string operation, int nextAttempt, string result, long delayMs);
}
