using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Rrr.Core.Rrr.Http;

namespace Rrr.Portal.Tests.Rrr;

/// <summary>Which outcomes the retry strategy repeats: only what cannot act twice, only when it may help.</summary>
public sealed class RrrRetryRulesTests
{
    private static readonly RrrClientOptions Options = new();
    private static readonly FakeTimeProvider Time = new();

    private static HttpRequestMessage Request(HttpMethod method, string? key = null)
    {
        var request = new HttpRequestMessage(method, "http://rrr.test/v1/x");
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return request;
    }

    private static Outcome<HttpResponseMessage> Answer(HttpStatusCode status, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status);
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(delay);
        }

        return Outcome.FromResult(response);
    }

    public static TheoryData<string, string?, HttpStatusCode, bool> Cases => new()
    {
        { "GET", null, HttpStatusCode.ServiceUnavailable, true },
        { "GET", null, HttpStatusCode.RequestTimeout, true },
        { "GET", null, HttpStatusCode.TooManyRequests, true },
        { "GET", null, HttpStatusCode.InternalServerError, true },
        { "GET", null, HttpStatusCode.NotFound, false },
        { "POST", "k_1", HttpStatusCode.BadGateway, true },
        { "POST", "k_1", HttpStatusCode.UnprocessableEntity, false },
        { "POST", "k_1", HttpStatusCode.Conflict, false },
        { "POST", null, HttpStatusCode.ServiceUnavailable, false },
        { "DELETE", null, HttpStatusCode.ServiceUnavailable, false },
        { "PUT", null, HttpStatusCode.ServiceUnavailable, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Status_IsRetriedOnlyWhenTransientAndSafeToRepeat(string method, string? key, HttpStatusCode status, bool expected)
    {
        using var request = Request(new HttpMethod(method), key);

        Assert.Equal(expected, RrrResilience.ShouldRetry(request, Answer(status), Options, Time));
    }

    [Fact]
    public void RequestInProgress_WithRetryAfter_IsRetriedForAKeyedCall()
    {
        using var request = Request(HttpMethod.Post, "k_1");

        Assert.True(RrrResilience.ShouldRetry(request, Answer(HttpStatusCode.Conflict, TimeSpan.FromSeconds(1)), Options, Time));
    }

    [Fact]
    public void TransportFailuresAndAttemptTimeouts_AreRetried_OtherExceptionsAreNot()
    {
        using var request = Request(HttpMethod.Get);

        Assert.True(RrrResilience.ShouldRetry(request, Outcome.FromException<HttpResponseMessage>(new HttpRequestException()), Options, Time));
        Assert.True(RrrResilience.ShouldRetry(request, Outcome.FromException<HttpResponseMessage>(PollyTimeout()), Options, Time));
        Assert.False(RrrResilience.ShouldRetry(request, Outcome.FromException<HttpResponseMessage>(new InvalidOperationException()), Options, Time));
    }

    // Polly v7 is also referenced by the test project, so the v8 type is named through its assembly.
    private static Exception PollyTimeout() =>
        (Exception)Activator.CreateInstance(typeof(ResiliencePipeline).Assembly.GetType("Polly.Timeout.TimeoutRejectedException", throwOnError: true)!)!;

    [Fact]
    public void RetryAfter_SetsTheDelay_WithinTheCap()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), RrrResilience.RetryAfterWithinCap(Answer(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(3)), Options, Time));
        Assert.Null(RrrResilience.RetryAfterWithinCap(Answer(HttpStatusCode.ServiceUnavailable), Options, Time));
        Assert.Null(RrrResilience.RetryAfterWithinCap(Answer(HttpStatusCode.ServiceUnavailable, TimeSpan.FromMinutes(5)), Options, Time));
    }
}
