using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rrr.Sandbox.Clock;
using Rrr.Sandbox.Webhooks;

namespace Rrr.Portal.Tests.Sandbox.Hooks;

/// <summary>Clock, faults and webhook extras on the real sandbox over loopback HTTP, including the SSR pages.</summary>
/// <remarks>One sandbox per class (start-up is the slow part); each test starts from a reset clock and no faults.</remarks>
public sealed partial class SandboxExtrasTests(SandboxExtrasTests.Fixture fixture) : IClassFixture<SandboxExtrasTests.Fixture>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebhookReceiver Receiver => fixture.Receiver;

    private RunningSandbox Running => fixture.Running;

    private HttpClient Client => Running.Client;

    public async ValueTask InitializeAsync()
    {
        using var reset = await Client.PostAsync(new Uri("/sandbox/clock/reset", UriKind.Relative), null, Ct);
        reset.EnsureSuccessStatusCode();
        using var faults = await Client.PutAsJsonAsync(new Uri("/sandbox/faults", UriKind.Relative), new { }, Ct);
        faults.EnsureSuccessStatusCode();
        while (Receiver.TryNext(out _))
        {
            // Deliveries left over from an earlier test are not this test's.
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public sealed class Fixture : IAsyncLifetime
    {
        internal WebhookReceiver Receiver { get; private set; } = null!;

        internal RunningSandbox Running { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Receiver = await WebhookReceiver.StartAsync();
            Running = await RunningSandbox.StartAsync(Receiver.Url);
        }

        public async ValueTask DisposeAsync()
        {
            await Running.DisposeAsync();
            await Receiver.DisposeAsync();
        }
    }

    [Fact]
    public async Task Clock_AdvanceAndReset_MoveTheSandboxTime_AndRaiseAdvanced()
    {
        var advancedTo = new List<DateTimeOffset>();
        Task OnAdvanced(DateTimeOffset now, CancellationToken _)
        {
            advancedTo.Add(now);
            return Task.CompletedTask;
        }

        var clock = Running.Service<SandboxClock>();
        clock.Advanced += OnAdvanced;
        try
        {
            var before = await GetJsonAsync("/sandbox/clock");
            Assert.Equal(0m, before.GetProperty("offset_hours").GetDecimal());

            using var advance = await Client.PostAsJsonAsync(new Uri("/sandbox/clock/advance", UriKind.Relative), new { hours = 48 }, Ct);
            var advanced = await advance.Content.ReadFromJsonAsync<JsonElement>(Ct);

            Assert.Equal(HttpStatusCode.OK, advance.StatusCode);
            Assert.Equal(48m, advanced.GetProperty("offset_hours").GetDecimal());
            var now = DateTimeOffset.Parse(advanced.GetProperty("now").GetString()!, CultureInfo.InvariantCulture);
            Assert.InRange(now - DateTimeOffset.UtcNow, TimeSpan.FromHours(47), TimeSpan.FromHours(49));
            Assert.EndsWith("Z", advanced.GetProperty("now").GetString(), StringComparison.Ordinal);
            Assert.Single(advancedTo);

            using var reset = await Client.PostAsync(new Uri("/sandbox/clock/reset", UriKind.Relative), null, Ct);
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
            Assert.Equal(0m, (await GetJsonAsync("/sandbox/clock")).GetProperty("offset_hours").GetDecimal());
        }
        finally
        {
            clock.Advanced -= OnAdvanced;
        }
    }

    [Theory]
    [InlineData("""{"hours": 0}""")]
    [InlineData("""{"hours": 8761}""")]
    [InlineData("""{"hours": 1.5}""")]
    [InlineData("""{}""")]
    [InlineData("""not json""")]
    public async Task Clock_AdvanceOutsideOneToAYearOfHours_IsAValidationProblem(string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        using var response = await Client.PostAsync(new Uri("/sandbox/clock/advance", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Equal(0m, (await GetJsonAsync("/sandbox/clock")).GetProperty("offset_hours").GetDecimal());
    }

    [Fact]
    public async Task ClockPage_PlusFortyEightHours_AdvancesTheClock_WithAntiforgery()
    {
        var token = await AntiforgeryTokenAsync("/clock");

        using var rejected = await PostFormAsync("/clock", ("_handler", "advance"), ("Hours", "48"));
        using var accepted = await PostFormAsync("/clock", ("_handler", "advance"), ("Hours", "48"), ("__RequestVerificationToken", token));

        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(48m, (await GetJsonAsync("/sandbox/clock")).GetProperty("offset_hours").GetDecimal());
    }

    [Fact]
    public async Task FaultsOnTheRealPipeline_OutageAnswers503ForV1Only()
    {
        using var put = await Client.PutAsJsonAsync(new Uri("/sandbox/faults", UriKind.Relative), new { outage = true }, Ct);
        put.EnsureSuccessStatusCode();

        using var v1 = await Client.GetAsync(new Uri("/v1/members/rrr_m_1001/wallet", UriKind.Relative), Ct);
        using var health = await Client.GetAsync(new Uri("/health", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, v1.StatusCode);
        Assert.Equal("5", v1.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task FaultsPage_AppliesTheForm()
    {
        var token = await AntiforgeryTokenAsync("/faults");

        using var response = await PostFormAsync("/faults",
            ("_handler", "faults"), ("__RequestVerificationToken", token),
            ("Form.Outage", "true"), ("Form.LatencyMs", "0"), ("Form.ErrorRate", "0.1"),
            ("Form.FailCount", "2"), ("Form.FailStatus", "500"), ("Form.AfterCommit", "true"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var state = await GetJsonAsync("/sandbox/faults");
        Assert.True(state.GetProperty("outage").GetBoolean());
        Assert.Equal(0.1m, state.GetProperty("error_rate").GetDecimal());
        Assert.Equal(2, state.GetProperty("fail_next").GetProperty("count").GetInt32());
        Assert.True(state.GetProperty("fail_next").GetProperty("after_commit").GetBoolean());
    }

    [Fact]
    public async Task DeliveryLog_ListsAttempts_AndResendQueuesANewSignedAttempt()
    {
        var eventId = await Running.Service<IWebhookPublisher>().PublishAsync(
            "POINTS_POSTED",
            new Dictionary<string, object?> { ["resource_type"] = "wallet", ["resource_id"] = "rrr_m_1001", ["version"] = 1L },
            CancellationToken.None);
        var first = await Receiver.NextAsync();
        var log = await WaitForDeliveriesAsync(eventId, 1);
        var row = log[0];
        Assert.Equal(eventId, row.GetProperty("event_id").GetString());
        Assert.Equal("POINTS_POSTED", row.GetProperty("type").GetString());
        Assert.Equal("DELIVERED", row.GetProperty("status").GetString());
        Assert.Equal(1, row.GetProperty("attempt").GetInt32());
        Assert.Equal(204, row.GetProperty("response_code").GetInt32());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("next_attempt_at").ValueKind);

        using var resend = await Client.PostAsync(new Uri($"/sandbox/webhooks/deliveries/{eventId}/resend", UriKind.Relative), null, Ct);
        var again = await Receiver.NextAsync();

        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.BodyText, again.BodyText);
        Assert.Equal(2, (await WaitForDeliveriesAsync(eventId, 2))[0].GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Resend_OfAnUnknownEvent_Is404NotFound()
    {
        using var response = await Client.PostAsync(new Uri("/sandbox/webhooks/deliveries/evt_nope/resend", UriKind.Relative), null, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task DeliveriesWithABadLimit_IsAValidationProblem()
    {
        using var response = await Client.GetAsync(new Uri("/sandbox/webhooks/deliveries?limit=0", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task WebhooksPage_ShowsTheEvent_AndItsReSendButtonPostsWithAntiforgery()
    {
        var eventId = await Running.Service<IWebhookPublisher>().PublishAsync(
            "LINK_UPDATED",
            new Dictionary<string, object?> { ["resource_type"] = "link", ["resource_id"] = "xcn_u_1001", ["version"] = 2L },
            CancellationToken.None);
        await Receiver.NextAsync();
        await WaitForDeliveriesAsync(eventId, 1);

        var page = await Client.GetStringAsync(new Uri("/webhooks", UriKind.Relative), Ct);
        Assert.Contains(eventId, page, StringComparison.Ordinal);
        Assert.Contains("LINK_UPDATED", page, StringComparison.Ordinal);
        Assert.Contains("DELIVERED", page, StringComparison.Ordinal);
        var token = TokenIn(page);

        using var response = await PostFormAsync("/webhooks", ("_handler", "resend"), ("__RequestVerificationToken", token), ("ResendEventId", eventId));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(eventId, (await Receiver.NextAsync()).Id);
    }

    [Fact]
    public async Task HomePage_LinksTheExtras()
    {
        var page = await Client.GetStringAsync(new Uri("/", UriKind.Relative), Ct);

        Assert.Contains("href=\"/webhooks\"", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/faults\"", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/clock\"", page, StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetJsonAsync(string path) =>
        await Client.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative), Ct);

    private async Task<string> AntiforgeryTokenAsync(string path) =>
        TokenIn(await Client.GetStringAsync(new Uri(path, UriKind.Relative), Ct));

    private static string TokenIn(string html) => WebUtility.HtmlDecode(TokenPattern().Match(html).Groups[1].Value);

    private Task<HttpResponseMessage> PostFormAsync(string path, params (string Name, string Value)[] fields)
    {
        var content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return Client.PostAsync(new Uri(path, UriKind.Relative), content, Ct);
    }

    private async Task<IReadOnlyList<JsonElement>> WaitForDeliveriesAsync(string eventId, int count)
    {
        for (var i = 0; i < 200; i++)
        {
            var json = await GetJsonAsync($"/sandbox/webhooks/deliveries?event_id={eventId}");
            var items = json.GetProperty("items").EnumerateArray().ToList();
            if (items.Count >= count)
            {
                return items;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"Expected {count} deliveries of {eventId}.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
