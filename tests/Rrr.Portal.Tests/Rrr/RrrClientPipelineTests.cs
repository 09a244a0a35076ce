using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Promotions;
using Rrr.Core.Rrr.Redemptions;
using Rrr.Core.Rrr.Wallet;

namespace Rrr.Portal.Tests.Rrr;

/// <summary>The production handler chain, from the Refit interface down to a fake primary handler.</summary>
public sealed class RrrClientPipelineTests : IDisposable
{
    private const string WalletJson = """
        {"rrr_member_id":"rrr_m_1001","available_points":1250,"pending_points":40,"escrow_points":0,
         "expiring_soon":[],"as_of":"2026-11-25T13:00:00Z","version":7}
        """;

    private const string QuoteJson = """
        {"quote_id":"q_1","rrr_member_id":"rrr_m_1001","points":200,"value":{"amount":"2.00","currency":"USD"},
         "status":"HELD","expires_at":"2026-11-25T13:15:00Z"}
        """;

    private readonly List<RrrClientHarness> harnesses = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CreateRedemptionQuoteRequest QuoteRequest => new("rrr_m_1001", 200, "ord-42");

    public void Dispose()
    {
        foreach (var harness in harnesses)
        {
            harness.Dispose();
        }
    }

    private RrrClientHarness Harness(
        Dictionary<string, string?>? settings = null, IRrrCallLog? callLog = null, TimeProvider? time = null)
    {
        var harness = new RrrClientHarness(settings, callLog, time);
        harnesses.Add(harness);
        return harness;
    }

    [Fact]
    public async Task Get_SendsCredentialClientIdAndTrace_AndReadsTheAnswer()
    {
        var rrr = Harness();
        rrr.Server.Then(HttpStatusCode.OK, WalletJson);

        var wallet = await rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_1001", Ct);

        Assert.Equal(1250, wallet.AvailablePoints);
        var sent = Assert.Single(rrr.Server.Sent);
        Assert.Equal("http://rrr.test/v1/members/rrr_m_1001/wallet", sent.Uri.ToString());
        Assert.Equal($"Bearer {RrrClientHarness.ApiKey}", sent.Headers["Authorization"]);
        Assert.Equal(RrrClientHarness.ClientId, sent.Headers["X-Client-Id"]);
        Assert.Matches("^[0-9a-f]{32}$", sent.Headers["X-Request-Trace"]);
        Assert.False(sent.Headers.ContainsKey("Idempotency-Key"));
    }

    [Fact]
    public async Task TraceHeader_IsTheCurrentActivitysW3CTraceId()
    {
        var rrr = Harness();
        rrr.Server.Then(HttpStatusCode.OK, WalletJson);
        using var activity = new Activity("checkout").SetIdFormat(ActivityIdFormat.W3C).Start();

        await rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_1001", Ct);

        Assert.Equal(activity.TraceId.ToHexString(), Assert.Single(rrr.Server.Sent).Headers["X-Request-Trace"]);
    }

    [Fact]
    public async Task Post_SendsItsIdempotencyKeyAndSnakeCaseBody()
    {
        var rrr = Harness();
        rrr.Server.Then(HttpStatusCode.Created, QuoteJson);

        var quote = await rrr.Api<IRrrRedemptionsApi>().CreateQuoteAsync(QuoteRequest, IdempotencyKeys.RedeemQuote("ord-42"), Ct);

        Assert.Equal(new Core.Rrr.Money(2.00m, "USD"), quote.Value);
        var sent = Assert.Single(rrr.Server.Sent);
        Assert.Equal("redeem_quote_ord-42", sent.Headers["Idempotency-Key"]);
        Assert.Equal("""{"rrr_member_id":"rrr_m_1001","points":200,"order_ref":"ord-42"}""", sent.Body);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Post_WithoutIdempotencyKey_IsRefusedBeforeAnythingIsSent(string? key)
    {
        var rrr = Harness();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => rrr.Api<IRrrRedemptionsApi>().CreateQuoteAsync(QuoteRequest, key!, Ct));

        Assert.Contains("Idempotency-Key", ex.Message, StringComparison.Ordinal);
        Assert.Empty(rrr.Server.Sent);
        Assert.Empty(rrr.CallLog.Records);
    }

    [Fact]
    public async Task RawPatch_WithoutKey_IsRefused()
    {
        var rrr = Harness();
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/v1/promotions/pr_1") { Content = new StringContent("{}") };

        await Assert.ThrowsAsync<InvalidOperationException>(() => rrr.Raw().SendAsync(request, Ct));

        Assert.Empty(rrr.Server.Sent);
    }

    [Fact]
    public async Task QueryValues_UseWireFormsWhateverTheCulture()
    {
        var rrr = Harness();
        rrr.Server.Then(HttpStatusCode.OK, """{"rrr_member_id":"m","available_points":0,"point_value":{"amount":"0.01","currency":"USD"},"max_points":0,"options":[]}""");
        rrr.Server.Then(HttpStatusCode.OK, """{"items":[]}""");
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            await rrr.Api<IRrrRedemptionsApi>().GetOptionsAsync("rrr_m_1001", 12.5m, "USD", Ct);
            await rrr.Api<IRrrPromotionsApi>().ListAsync(PromotionStatus.PendingApproval, Ct);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        var sent = rrr.Server.Sent.ToArray();
        Assert.Equal("?rrr_member_id=rrr_m_1001&cart_total=12.5&currency=USD", sent[0].Uri.Query);
        Assert.Equal("?status=PENDING_APPROVAL", sent[1].Uri.Query);
    }

    [Fact]
    public async Task Get_On503_IsRetried_WithTheSameTraceId()
    {
        var rrr = Harness();
        rrr.Server.Then(_ => RrrClientHarness.Problem(HttpStatusCode.ServiceUnavailable, "service_unavailable"));
        rrr.Server.Then(HttpStatusCode.OK, WalletJson);

        var wallet = await rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_1001", Ct);

        Assert.Equal(7, wallet.Version);
        var sent = rrr.Server.Sent.ToArray();
        Assert.Equal(2, sent.Length);
        Assert.Equal(sent[0].Headers["X-Request-Trace"], sent[1].Headers["X-Request-Trace"]);
    }

    [Fact]
    public async Task KeyedPost_On503_IsRetried_WithTheSameKeyAndBody()
    {
        var rrr = Harness();
        rrr.Server.Then(HttpStatusCode.ServiceUnavailable);
        rrr.Server.Then(HttpStatusCode.Created, QuoteJson);

        await rrr.Api<IRrrRedemptionsApi>().CreateQuoteAsync(QuoteRequest, "redeem_quote_ord-42", Ct);

        var sent = rrr.Server.Sent.ToArray();
        Assert.Equal(2, sent.Length);
        Assert.All(sent, s => Assert.Equal("redeem_quote_ord-42", s.Headers["Idempotency-Key"]));
        Assert.Equal(sent[0].Body, sent[1].Body);
    }

    [Fact]
    public async Task UnkeyedDelete_On503_IsNotRetried_AndIsUnavailable()
    {
        var rrr = Harness();
        rrr.Server.Fallback = _ => RrrClientHarness.Problem(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/v1/whatever/x_1");

        var ex = await Assert.ThrowsAsync<RrrUnavailableException>(() => rrr.Raw().SendAsync(request, Ct));

        Assert.Equal(RrrUnavailableReason.ServerError, ex.Reason);
        Assert.Equal(RrrErrorCodes.ServiceUnavailable, ex.Problem?.Code);
        Assert.Single(rrr.Server.Sent);
    }

    [Fact]
    public async Task Get_StillFailingAfterRetries_IsUnavailable_AfterMaxRetriesPlusOneAttempts()
    {
        var rrr = Harness(new() { ["Rrr:MaxRetries"] = "2" });
        rrr.Server.Fallback = _ => RrrClientHarness.Json(HttpStatusCode.BadGateway, "oops", "text/plain");

        var ex = await Assert.ThrowsAsync<RrrUnavailableException>(() => rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_1001", Ct));

        Assert.Equal(RrrUnavailableReason.ServerError, ex.Reason);
        Assert.Equal(502, ex.Status);
        Assert.Equal(3, rrr.Server.Sent.Count);
    }

    [Fact]
    public async Task ConnectionRefused_IsRetried_ThenUnavailable()
    {
        var rrr = Harness(new() { ["Rrr:MaxRetries"] = "1" });
        rrr.Server.Fallback = _ => throw new HttpRequestException("Connection refused");

        var ex = await Assert.ThrowsAsync<RrrUnavailableException>(() => rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_1001", Ct));

        Assert.Equal(RrrUnavailableReason.ConnectionFailed, ex.Reason);
        Assert.Equal(2, rrr.Server.Sent.Count);
    }

    [Fact]
    public async Task RetryAfter_IsWaitedOut_BeforeTheNextAttempt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero));
        var start = time.GetUtcNow();
        var rrr = Harness(time: time);
        rrr.Server.Then(_ =>
        {
            var response = RrrClientHarness.Problem(HttpStatusCode.TooManyRequests, "rate_limited");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
            return response;
        });
        rrr.Server.Then(HttpStatusCode.OK, WalletJson);

        var call = rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_1001", Ct);
        while (!call.IsCompleted)
        {
            // Fake time only moves when the test moves it; small steps so the wait cannot be skipped over.
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(5, Ct);
        }

        await call;
        Assert.Equal(2, rrr.Server.Sent.Count);
        Assert.True(time.GetUtcNow() - start >= TimeSpan.FromSeconds(2));
        Assert.True(
            rrr.Logs.Messages.Any(m => m.Contains("attempt 2 in 2000 ms", StringComparison.Ordinal)),
            string.Join(Environment.NewLine, rrr.Logs.Messages));
    }

    [Fact]
    public async Task RetryAfter_LongerThanTheCap_IsNotWaited_AndIsReported()
    {
        var rrr = Harness();
        rrr.Server.Fallback = _ =>
        {
            var response = RrrClientHarness.Problem(HttpStatusCode.ServiceUnavailable, "service_unavailable");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(60));
            return response;
        };

        var ex = await Assert.ThrowsAsync<RrrUnavailableException>(() => rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_1001", Ct));

        Assert.Single(rrr.Server.Sent);
        Assert.Equal(TimeSpan.FromSeconds(60), ex.RetryAfter);
    }

    [Fact]
    public async Task Problem_BecomesRrrProblemException_WithCodeAndExtensions_AndIsNotRetried()
    {
        var rrr = Harness();
        rrr.Server.Fallback = _ => RrrClientHarness.Problem(HttpStatusCode.UnprocessableEntity, "invalid_code", ""","attempts_remaining":3""");

        var ex = await Assert.ThrowsAsync<RrrProblemException>(
            () => rrr.Api<IRrrLinksApi>().ConfirmAsync(new ConfirmLinkRequest("li_1", "123456"), "link_confirm_li_1_1", Ct));

        Assert.Equal(RrrErrorCodes.InvalidCode, ex.Code);
        Assert.Equal(422, ex.Status);
        Assert.Equal(3, ex.AttemptsRemaining);
        Assert.Equal("rrr-trace", ex.TraceId);
        Assert.Equal("IRrrLinksApi.ConfirmAsync", ex.Operation);
        Assert.DoesNotContain("123456", ex.Message, StringComparison.Ordinal);
        Assert.Single(rrr.Server.Sent);
    }

    [Fact]
    public async Task ValidationProblem_CarriesTheErrorsPerField()
    {
        var rrr = Harness();
        rrr.Server.Fallback = _ => RrrClientHarness.Problem(
            HttpStatusCode.UnprocessableEntity, "validation_failed", ""","errors":{"bundle":["must be 100, 250 or 500"]}""");

        var ex = await Assert.ThrowsAsync<RrrProblemException>(
            () => rrr.Api<Core.Rrr.Topups.IRrrTopupsApi>().CreateQuoteAsync(new("rrr_m_1001", 300), "topup_quote_o_300", Ct));

        Assert.True(ex.Is(RrrErrorCodes.ValidationFailed));
        Assert.Equal(["must be 100, 250 or 500"], ex.Errors["bundle"]);
    }

    [Fact]
    public async Task DuplicateOrder_ExposesTheExistingEarnEventId()
    {
        var rrr = Harness();
        rrr.Server.Fallback = _ => RrrClientHarness.Problem(HttpStatusCode.Conflict, "duplicate_order", ",\"earn_event_id\":\"ee_9\"");

        var ex = await Assert.ThrowsAsync<RrrProblemException>(() => rrr.Api<Core.Rrr.Earn.IRrrEarnApi>().PostEarnEventAsync(
            new("xcn_u_1001", "ord-1", Core.Rrr.Earn.EarnProduct.Tokens, new(10m, "USD"), Core.Rrr.Earn.PostingMode.Immediate),
            "earn_token_ord-1",
            Ct));

        Assert.Equal("ee_9", ex.EarnEventId);
        Assert.Single(rrr.Server.Sent);
    }

    [Fact]
    public async Task CircuitOpen_FailsFastAsUnavailable_ForEveryRrrClient()
    {
        var rrr = Harness(new()
        {
            ["Rrr:MaxRetries"] = "0",
            ["Rrr:CircuitBreaker:MinimumThroughput"] = "2",
            ["Rrr:CircuitBreaker:FailureRatio"] = "0.5",
            ["Rrr:CircuitBreaker:BreakDuration"] = "00:01:00",
        });
        rrr.Server.Fallback = _ => RrrClientHarness.Json(HttpStatusCode.InternalServerError, "{}");
        var wallet = rrr.Api<IRrrWalletApi>();
        var circuit = rrr.Get<RrrCircuitState>();
        Assert.False(circuit.IsOpen);

        for (var i = 0; i < 2; i++)
        {
            var failure = await Assert.ThrowsAsync<RrrUnavailableException>(() => wallet.GetWalletAsync("rrr_m_1001", Ct));
            Assert.Equal(RrrUnavailableReason.ServerError, failure.Reason);
        }

        var open = await Assert.ThrowsAsync<RrrUnavailableException>(() => wallet.GetWalletAsync("rrr_m_1001", Ct));
        var otherClient = await Assert.ThrowsAsync<RrrUnavailableException>(() => rrr.Api<IRrrLinksApi>().GetAsync("xcn_u_1001", Ct));

        Assert.Equal(RrrUnavailableReason.CircuitOpen, open.Reason);
        Assert.Equal(RrrUnavailableReason.CircuitOpen, otherClient.Reason);
        Assert.Equal(2, rrr.Server.Sent.Count);
        Assert.True(circuit.IsOpen, "readiness reads this to report RRR as degraded");
    }

    [Fact]
    public async Task AttemptTimeout_IsUnavailableTimeout()
    {
        var rrr = Harness(new() { ["Rrr:MaxRetries"] = "0", ["Rrr:AttemptTimeout"] = "00:00:00.050" });
        rrr.Server.Hang = true;

        var ex = await Assert.ThrowsAsync<RrrUnavailableException>(() => rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_1001", Ct));

        Assert.Equal(RrrUnavailableReason.Timeout, ex.Reason);
        Assert.Equal(RrrCallOutcome.Cancelled, Assert.Single(rrr.CallLog.Records).Outcome);
    }

    [Fact]
    public async Task CallerCancellation_IsNotReportedAsUnavailable()
    {
        var rrr = Harness();
        rrr.Server.Hang = true;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_1001", cancel.Token));
    }
}
