using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Sandbox.Faults;

namespace Rrr.Portal.Tests.Sandbox.Hooks;

/// <summary>The fault middleware in front of a stand-in <c>/v1</c> endpoint whose side effect is counted.</summary>
public sealed class FaultMiddlewareTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private int _sideEffects;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseTestServer();
        builder.Services.AddRoutingCore();
        builder.Services.AddSandboxFaults();
        _app = builder.Build();
        _app.UseRouting();
        _app.UseSandboxFaults();
        _app.MapSandboxFaults();
        _app.MapPost("/v1/things", (Func<HttpContext, IResult>)(http =>
        {
            Interlocked.Increment(ref _sideEffects);
            http.Response.Headers["X-Endpoint"] = "ran";
            return Results.Json(new { thing_id = "t_" + Volatile.Read(ref _sideEffects) }, statusCode: StatusCodes.Status201Created);
        }));
        _app.MapGet("/health", () => Results.Ok("ok"));
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Outage_Answers503ServiceUnavailableWithRetryAfter_WithoutRunningTheEndpoint()
    {
        await PutFaultsAsync(new { outage = true });

        using var response = await _client.PostAsync(new Uri("/v1/things", UriKind.Relative), null, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        var problem = await ProblemAsync(response);
        Assert.Equal("service_unavailable", problem.GetProperty("code").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("https://sandbox.rrr.local/problems/service_unavailable", problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Equal(0, _sideEffects);
    }

    [Fact]
    public async Task Outage_LeavesPathsOutsideV1Alone()
    {
        await PutFaultsAsync(new { outage = true, error_rate = 1, fail_next = new { count = 5, status = 500 } });

        using var health = await _client.GetAsync(new Uri("/health", UriKind.Relative), Ct);
        using var faults = await _client.GetAsync(new Uri("/sandbox/faults", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, faults.StatusCode);
        // The /v1-only failures were not spent on other paths.
        var state = await faults.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(5, state.GetProperty("fail_next").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task FailNextBeforeCommit_FailsThatManyCalls_WithoutRunningTheEndpoint_ThenCallsPass()
    {
        await PutFaultsAsync(new { fail_next = new { count = 2, status = 500, after_commit = false } });

        using var first = await PostThingAsync();
        using var second = await PostThingAsync();
        using var third = await PostThingAsync();

        Assert.Equal(
            [HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.Created],
            [first.StatusCode, second.StatusCode, third.StatusCode]);
        Assert.Equal("internal_error", (await ProblemAsync(first)).GetProperty("code").GetString());
        Assert.Equal(1, _sideEffects);
        var state = await _client.GetFromJsonAsync<JsonElement>(new Uri("/sandbox/faults", UriKind.Relative), Ct);
        Assert.Equal(0, state.GetProperty("fail_next").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task FailNextAfterCommit_RunsTheEndpointOnce_AndReplacesItsResponse()
    {
        await PutFaultsAsync(new { fail_next = new { count = 1, status = 503, after_commit = true } });

        using var lost = await PostThingAsync();

        Assert.Equal(1, _sideEffects);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        Assert.False(lost.Headers.Contains("X-Endpoint"));
        var body = await lost.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("thing_id", body, StringComparison.Ordinal);
        Assert.Equal("service_unavailable", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());

        using var next = await PostThingAsync();
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        Assert.Equal(2, _sideEffects);
        Assert.Equal("t_2", (await next.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("thing_id").GetString());
    }

    [Fact]
    public async Task ErrorRateOne_FailsEveryV1CallWith500Or503_BeforeTheEndpoint()
    {
        await PutFaultsAsync(new { error_rate = 1 });

        for (var i = 0; i < 10; i++)
        {
            using var response = await PostThingAsync();
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable });
        }

        Assert.Equal(0, _sideEffects);
    }

    [Fact]
    public async Task ProblemTraceId_EchoesTheRequestTrace()
    {
        await PutFaultsAsync(new { outage = true });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/things", UriKind.Relative));
        request.Headers.Add("X-Request-Trace", "trace-123");

        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal("trace-123", (await ProblemAsync(response)).GetProperty("trace_id").GetString());
        Assert.Equal("trace-123", response.Headers.GetValues("X-Request-Trace").Single());
    }

    [Theory]
    [InlineData("""{"error_rate": 1.5}""", "error_rate")]
    [InlineData("""{"latency_ms": -1}""", "latency_ms")]
    [InlineData("""{"fail_next": {"count": 1, "status": 200}}""", "fail_next.status")]
    [InlineData("""{"outage": "yes"}""", "outage")]
    public async Task Put_WithAnInvalidValue_IsAValidationProblem(string json, string field)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        using var response = await _client.PutAsync(new Uri("/sandbox/faults", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Put_ReplacesTheWholeState_AndGetReturnsIt()
    {
        await PutFaultsAsync(new { latency_ms = 5, error_rate = 0.25m, outage = true, fail_next = new { count = 3, status = 502, after_commit = true } });
        await PutFaultsAsync(new { error_rate = 0.5m });

        var state = await _client.GetFromJsonAsync<JsonElement>(new Uri("/sandbox/faults", UriKind.Relative), Ct);

        Assert.Equal(0, state.GetProperty("latency_ms").GetInt32());
        Assert.Equal(0.5m, state.GetProperty("error_rate").GetDecimal());
        Assert.False(state.GetProperty("outage").GetBoolean());
        Assert.Equal(0, state.GetProperty("fail_next").GetProperty("count").GetInt32());
    }

    private async Task PutFaultsAsync(object faults)
    {
        using var response = await _client.PutAsJsonAsync(new Uri("/sandbox/faults", UriKind.Relative), faults, Ct);
        response.EnsureSuccessStatusCode();
    }

    private Task<HttpResponseMessage> PostThingAsync() =>
        _client.PostAsync(new Uri("/v1/things", UriKind.Relative), null, Ct);

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
}
