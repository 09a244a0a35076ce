using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Sandbox.Idempotency;
using Rrr.Sandbox.Ledger;

namespace Rrr.Portal.Tests.Sandbox.Ledger;

public sealed class ApiGateAndIdempotencyTests : SandboxLedgerTest
{
    [Fact]
    public async Task Call_WithoutTheApiKey_Is401Problem()
    {
        using var anonymous = new HttpClient { BaseAddress = Sandbox.Url };
        anonymous.DefaultRequestHeaders.Add("X-Client-Id", "portal-tests");
        anonymous.DefaultRequestHeaders.Add("Authorization", "Bearer wrong-key");

        var response = await anonymous.GetAsync(new Uri("/v1/members/rrr_m_1001/wallet", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"code\":\"unauthorized\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_WithoutClientId_Is400ClientIdRequired()
    {
        Sandbox.Api.DefaultRequestHeaders.Remove("X-Client-Id");

        var (status, json, _) = await Sandbox.SendAsync(HttpMethod.Get, "/v1/members/rrr_m_1001/wallet");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("client_id_required", json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Trace_IsEchoed_AndStoredOnTheLedgerEntry()
    {
        var (status, json, response) = await Sandbox.PostAsync(
            "/v1/earn-events", Earn("ord-trace", "IMMEDIATE"), trace: "trace-abc-123");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("trace-abc-123", response.Headers.GetValues("X-Request-Trace").Single());
        var latest = (await Sandbox.GetOkAsync("/v1/members/rrr_m_1001/transactions?limit=1")).GetProperty("items")[0];
        Assert.Equal("trace-abc-123", latest.GetProperty("trace_id").GetString());
        Assert.StartsWith("ee_", json.GetProperty("earn_event_id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WithoutKey_Is400_AndOverlongKeyIsValidationFailed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/links/intents", UriKind.Relative))
        {
            Content = new StringContent("{\"xcn_user_id\":\"xcn_u_1002\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        var missing = await Sandbox.Api.SendAsync(request, Ct);
        var (longStatus, longJson, _) = await Sandbox.PostAsync("/v1/links/intents", new { xcn_user_id = "xcn_u_1002" }, key: new string('k', 256));

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("idempotency_key_required", await missing.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, longStatus);
        Assert.Equal("validation_failed", longJson.GetProperty("code").GetString());
    }

    [Fact]
    public async Task SameKeySameBody_IsReplayed_WithOneLedgerEntry()
    {
        var key = SandboxLedgerHost.NewKey();
        var before = await Sandbox.AvailableAsync("rrr_m_1001");

        var first = await Sandbox.PostAsync("/v1/earn-events", Earn("ord-replay", "IMMEDIATE"), key);
        var second = await Sandbox.PostAsync("/v1/earn-events", Earn("ord-replay", "IMMEDIATE"), key);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.False(first.Response.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Response.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Json.GetProperty("earn_event_id").GetString(), second.Json.GetProperty("earn_event_id").GetString());
        Assert.Equal(before + 25, await Sandbox.AvailableAsync("rrr_m_1001"));
        var entries = (await Sandbox.GetOkAsync("/v1/members/rrr_m_1001/transactions?limit=100")).GetProperty("items").EnumerateArray()
            .Count(e => e.GetProperty("reference").GetString() == "ord-replay");
        Assert.Equal(1, entries);
    }

    [Fact]
    public async Task SameKeyOtherBody_Is422Reused()
    {
        var key = SandboxLedgerHost.NewKey();
        await Sandbox.PostAsync("/v1/earn-events", Earn("ord-a", "IMMEDIATE"), key);

        var (status, json, _) = await Sandbox.PostAsync("/v1/earn-events", Earn("ord-b", "IMMEDIATE"), key);

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("idempotency_key_reused", json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ClientError_IsStoredAndReplayed()
    {
        var key = SandboxLedgerHost.NewKey();
        var first = await Sandbox.PostAsync("/v1/earn-events", Earn("ord-unlinked", "IMMEDIATE", "xcn_u_1004"), key);
        var second = await Sandbox.PostAsync("/v1/earn-events", Earn("ord-unlinked", "IMMEDIATE", "xcn_u_1004"), key);

        Assert.Equal((HttpStatusCode)422, first.Status);
        Assert.Equal("not_linked", first.Json.GetProperty("code").GetString());
        Assert.Equal((HttpStatusCode)422, second.Status);
        Assert.Equal("true", second.Response.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Duplicate_WhileFirstRuns_Is409InProgress_ThenReplays()
    {
        var store = Sandbox.App.Services.GetRequiredService<IdempotencyStore>();
        var key = SandboxLedgerHost.NewKey();
        var reserved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var proceed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The first request stops right after reserving its key: "in progress", with the writer gate free.
        store.AfterReserved = k =>
        {
            if (k != key)
            {
                return Task.CompletedTask;
            }

            reserved.TrySetResult();
            return proceed.Task;
        };
        Task<(HttpStatusCode Status, System.Text.Json.JsonElement Json, HttpResponseMessage Response)> first;
        try
        {
            first = Sandbox.PostAsync("/v1/earn-events", Earn("ord-concurrent", "IMMEDIATE"), key);
            await reserved.Task.WaitAsync(Ct);

            var (status, json, response) = await Sandbox.PostAsync("/v1/earn-events", Earn("ord-concurrent", "IMMEDIATE"), key);

            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Equal("request_in_progress", json.GetProperty("code").GetString());
            Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        }
        finally
        {
            proceed.TrySetResult();
            store.AfterReserved = null;
        }

        Assert.Equal(HttpStatusCode.Created, (await first).Status);
        var retry = await Sandbox.PostAsync("/v1/earn-events", Earn("ord-concurrent", "IMMEDIATE"), key);
        Assert.Equal("true", retry.Response.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task ConcurrentRequests_UnderOneKey_PostOnce_AndAllGetTheSameEventOrInProgress()
    {
        var key = SandboxLedgerHost.NewKey();
        var before = await Sandbox.AvailableAsync("rrr_m_1001");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Sandbox.PostAsync("/v1/earn-events", Earn("ord-race", "IMMEDIATE"), key)));

        var created = answers.Where(a => a.Status == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.All(answers, a => Assert.True(
            a.Status == HttpStatusCode.Created || (a.Status == HttpStatusCode.Conflict && a.Json.GetProperty("code").GetString() == "request_in_progress"),
            $"unexpected {(int)a.Status}"));
        Assert.Single(created.Select(a => a.Json.GetProperty("earn_event_id").GetString()).Distinct());
        Assert.Equal(before + 25, await Sandbox.AvailableAsync("rrr_m_1001"));
    }

    internal static object Earn(string order, string mode, string xcnUserId = "xcn_u_1001", string product = "TOKENS", string amount = "25.90") => new
    {
        xcn_user_id = xcnUserId,
        order_number = order,
        product,
        amount = new { amount, currency = "USD" },
        posting_mode = mode,
    };
}
