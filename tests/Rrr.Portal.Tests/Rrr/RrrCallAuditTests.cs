using System.Net;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Redemptions;
using Rrr.Core.Rrr.Wallet;

namespace Rrr.Portal.Tests.Rrr;

public sealed class RrrCallAuditTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryAttempt_IsRecorded_WithKeyTraceStatusAndAttemptNumber()
    {
        using var rrr = new RrrClientHarness();
        rrr.Server.Then(HttpStatusCode.ServiceUnavailable);
        rrr.Server.Then(_ =>
        {
            var response = RrrClientHarness.Json(HttpStatusCode.OK, """{"redemption_id":"r_1","quote_id":"q_1","points":200,"status":"COMMITTED"}""");
            response.Headers.Add("Idempotent-Replayed", "true");
            return response;
        });

        await rrr.Api<IRrrRedemptionsApi>().CommitAsync("q_1", new CommitRedemptionRequest("pay_1"), IdempotencyKeys.RedeemCommit("q_1"), Ct);

        var records = rrr.CallLog.Records.ToArray();
        Assert.Equal([1, 2], records.Select(r => r.Attempt));
        Assert.Equal([503, 200], records.Select(r => r.StatusCode));
        Assert.Equal([RrrCallOutcome.Failed, RrrCallOutcome.Succeeded], records.Select(r => r.Outcome));
        Assert.Equal([false, true], records.Select(r => r.Replayed));
        var sentTrace = rrr.Server.Sent.First().Headers["X-Request-Trace"];
        Assert.All(records, r =>
        {
            Assert.Equal("IRrrRedemptionsApi.CommitAsync", r.Operation);
            Assert.Equal("POST", r.Method);
            Assert.Equal("/v1/redemptions/{quoteId}/commit", r.PathTemplate);
            Assert.Equal("redeem_commit_q_1", r.IdempotencyKey);
            Assert.Equal(sentTrace, r.TraceId);
            Assert.True(r.LatencyMs >= 0);
        });
        Assert.NotEqual(records[0].Id, records[1].Id);
    }

    [Fact]
    public async Task Problem_IsRecordedWithItsCode_AndNoBodyContent()
    {
        using var rrr = new RrrClientHarness();
        rrr.Server.Then(_ => RrrClientHarness.Problem(HttpStatusCode.UnprocessableEntity, "invalid_code", ""","attempts_remaining":4"""));

        await Assert.ThrowsAsync<RrrProblemException>(
            () => rrr.Api<IRrrLinksApi>().ConfirmAsync(new ConfirmLinkRequest("li_1", "918273"), "link_confirm_li_1_1", Ct));

        var record = Assert.Single(rrr.CallLog.Records);
        Assert.Equal(422, record.StatusCode);
        Assert.Equal(RrrErrorCodes.InvalidCode, record.ErrorCode);
        Assert.Equal("/v1/links/confirm", record.PathTemplate);
        var stored = string.Join("|", record.Id, record.Operation, record.PathTemplate, record.IdempotencyKey, record.TraceId, record.ErrorCode);
        Assert.DoesNotContain("918273", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PathTemplate_KeepsIdsOutOfTheRoute_AndQueryValuesOut()
    {
        using var rrr = new RrrClientHarness();
        rrr.Server.Then(HttpStatusCode.OK, """{"items":[],"next_cursor":null}""");

        await rrr.Api<IRrrWalletApi>().GetTransactionsAsync("rrr_m_1001", "cursor-secret", 10, Ct);

        var record = Assert.Single(rrr.CallLog.Records);
        Assert.Equal("/v1/members/{rrrMemberId}/transactions", record.PathTemplate);
        Assert.Equal("IRrrWalletApi.GetTransactionsAsync", record.Operation);
        Assert.Null(record.IdempotencyKey);
    }

    [Fact]
    public async Task ConnectionFailure_IsRecordedWithoutStatus()
    {
        using var rrr = new RrrClientHarness(new() { ["Rrr:MaxRetries"] = "0" });
        rrr.Server.Fallback = _ => throw new HttpRequestException("Connection refused");

        await Assert.ThrowsAsync<RrrUnavailableException>(() => rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_1001", Ct));

        var record = Assert.Single(rrr.CallLog.Records);
        Assert.Null(record.StatusCode);
        Assert.Equal(RrrCallOutcome.NoResponse, record.Outcome);
    }

    [Fact]
    public async Task FailingCallLog_NeverFailsTheCall_ButIsLogged()
    {
        using var rrr = new RrrClientHarness(callLog: new FailingCallLog());
        rrr.Server.Then(HttpStatusCode.OK, """{"xcn_user_id":"xcn_u_1002","status":"NOT_LINKED","version":0}""");

        var state = await rrr.Api<IRrrLinksApi>().GetAsync("xcn_u_1002", Ct);

        Assert.Equal(LinkStatus.NotLinked, state.Status);
        Assert.Contains(rrr.Logs.Messages, m => m.Contains("Could not record RRR call IRrrLinksApi.GetAsync", StringComparison.Ordinal));
    }
}
