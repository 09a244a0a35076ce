using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Rrr.Core.Rrr.Http;

/// <summary>
/// Outermost handler: turns what is left after the resilience pipeline into typed exceptions. A problem
/// (4xx) becomes <see cref="RrrProblemException"/>; 5xx, 408 and 429 after retries, timeouts, an open
/// circuit and connection failures become <see cref="RrrUnavailableException"/>. 2xx passes through.
/// </summary>
public sealed class RrrProblemHandler(TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            throw Unavailable(RrrUnavailableReason.CircuitOpen, request, ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw Unavailable(RrrUnavailableReason.Timeout, request, ex);
        }
        catch (HttpRequestException ex)
        {
            throw Unavailable(RrrUnavailableReason.ConnectionFailed, request, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the caller's cancellation, so a timeout somewhere below (e.g. HttpClient's own).
            throw Unavailable(RrrUnavailableReason.Timeout, request, ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var problem = await RrrProblem.ReadAsync(response, cancellationToken);
            var retryAfter = RrrProblem.RetryAfter(response.Headers, time.GetUtcNow());
            if (IsUnavailable(response.StatusCode))
            {
                throw Unavailable(RrrUnavailableReason.ServerError, request, null, problem, retryAfter);
            }

            throw new RrrProblemException(problem, RrrRequest.Operation(request), RrrRequest.TraceId(request), retryAfter);
        }
    }

    private static bool IsUnavailable(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static RrrUnavailableException Unavailable(
        RrrUnavailableReason reason,
        HttpRequestMessage request,
        Exception? inner,
        RrrProblem? problem = null,
        TimeSpan? retryAfter = null) =>
        new(reason, RrrRequest.Operation(request), RrrRequest.TraceId(request), inner, problem, retryAfter);
}
