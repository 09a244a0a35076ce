using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Rrr.Core.Rrr.Http;

/// <summary>
/// Adds the credential, X-Client-Id and X-Request-Trace to every attempt, and refuses a POST or PATCH
/// without a valid Idempotency-Key before it leaves the process: an unkeyed mutation could act twice.
/// </summary>
public sealed class RrrHeadersHandler(IOptionsMonitor<RrrClientOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (RrrRequest.IsMutating(request.Method))
        {
            var key = RrrRequest.IdempotencyKey(request);
            if (string.IsNullOrEmpty(key))
            {
                throw new InvalidOperationException(
                    $"{RrrRequest.Operation(request)} is a {request.Method.Method} without an Idempotency-Key; every RRR mutation needs one (see IdempotencyKeys).");
            }

            if (!IdempotencyKeys.IsValid(key))
            {
                throw new InvalidOperationException(
                    $"{RrrRequest.Operation(request)} has an Idempotency-Key RRR would refuse: it must be 1–{IdempotencyKeys.MaxLength} visible ASCII characters.");
            }
        }

        var settings = options.CurrentValue;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        request.Headers.Remove(RrrRequest.ClientIdHeader);
        request.Headers.TryAddWithoutValidation(RrrRequest.ClientIdHeader, settings.ClientId);
        var traceId = RrrRequest.TraceId(request);
        request.Headers.Remove(RrrRequest.TraceHeader);
        request.Headers.TryAddWithoutValidation(RrrRequest.TraceHeader, traceId);
        return base.SendAsync(request, cancellationToken);
    }
}
