using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Portal.Tests.Features.Webhooks;

public sealed class RrrWebhookEndpointTests(WebhookPortal portal) : IClassFixture<WebhookPortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewId() => "evt_" + Guid.NewGuid().ToString("N");

    private static string NowText => WebhookPortal.Now.ToString(CultureInfo.InvariantCulture);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task SpecTestVector_VerifiesEndToEnd_ThenIsRefusedOnlyAsNotAnRrrEvent()
    {
        var before = await portal.Inbox.CountAsync(null, Ct);

        // The Standard Webhooks specification's published vector, byte for byte.
        var response = await portal.PostAsync(
            """{"test": 2432232314}""",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "1614265330",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");

        // Past the signature check (not 401): the body simply is not an RRR event.
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Malformed", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(before, await portal.Inbox.CountAsync(null, Ct));
    }

    [Fact]
    public async Task SignedEvent_IsAccepted_Stored_Applied_AndPublished_WithoutAnySignIn()
    {
        var id = NewId();
        var published = new ConcurrentQueue<RrrEvent>();
        using var subscription = portal.Notifier.Subscribe(RrrTopic.Member("rrr_m_accept"), published.Enqueue);

        var response = await portal.PostSignedAsync(id, WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_accept", 7, "rrr_m_accept"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var record = await portal.WaitProcessedAsync(id);
        Assert.Equal(InboxStatus.Processed, record.Status);
        Assert.Equal(InboxOutcome.Applied, record.Outcome);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(WebhookPortal.Now), record.Event.ReceivedAt);
        var state = await portal.Versions.GetAsync("wallet", "rrr_m_accept", Ct);
        Assert.Equal(7, state!.Version);
        Assert.Equal(id, state.EventId);
        var seen = Assert.Single(published);
        Assert.Equal(id, seen.Id);
        Assert.Equal(7, seen.Version);
    }

    [Fact]
    public async Task BadSignature_Is401_AndNothingIsStored()
    {
        var id = NewId();
        var body = WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_x", 1);
        var wrongKey = WebhookPortal.Sign("whsec_" + Convert.ToBase64String(new byte[32]), id, WebhookPortal.Now, body);

        var response = await portal.PostAsync(body, id, NowText, wrongKey);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Null(await portal.Inbox.GetAsync(id, Ct));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public async Task TimestampMoreThanFiveMinutesOff_Is401_AndNothingIsStored(int offsetSeconds)
    {
        var id = NewId();
        var body = WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_x", 1);

        var response = await portal.PostSignedAsync(id, body, timestamp: WebhookPortal.Now + offsetSeconds);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Null(await portal.Inbox.GetAsync(id, Ct));
    }

    [Fact]
    public async Task TamperedBody_Is401_AndNothingIsStored()
    {
        var id = NewId();
        var body = WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_x", 1);
        var signature = WebhookPortal.Sign(WebhookPortal.SpecSecret, id, WebhookPortal.Now, body);

        var response = await portal.PostAsync(body.Replace("\"version\":1", "\"version\":9", StringComparison.Ordinal), id, NowText, signature);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Null(await portal.Inbox.GetAsync(id, Ct));
    }

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("webhook-timestamp")]
    [InlineData("webhook-signature")]
    public async Task MissingHeader_Is400_AndNothingIsStored(string missing)
    {
        var id = NewId();
        var body = WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_x", 1);
        var signature = WebhookPortal.Sign(WebhookPortal.SpecSecret, id, WebhookPortal.Now, body);

        var response = await portal.PostAsync(
            body,
            missing == "webhook-id" ? null : id,
            missing == "webhook-timestamp" ? null : NowText,
            missing == "webhook-signature" ? null : signature);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Null(await portal.Inbox.GetAsync(id, Ct));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BodyOver64KiB_Is413_AndNothingIsStored_WithOrWithoutContentLength(bool declareLength)
    {
        var id = NewId();

        // Correctly signed, so only the size can be the reason.
        var body = WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_x", 1, extraData: ",\"pad\":\"" + new string('x', 66_000) + "\"");
        var bytes = Encoding.UTF8.GetBytes(body);
        HttpContent content = declareLength
            ? new ByteArrayContent(bytes)
            : new StreamContent(new UnknownLengthStream(bytes));

        var response = await portal.PostAsync(body, id, NowText, WebhookPortal.Sign(WebhookPortal.SpecSecret, id, WebhookPortal.Now, body), content);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(await portal.Inbox.GetAsync(id, Ct));
    }

    [Fact]
    public async Task BodyIdOtherThanHeaderId_Is400_AndNothingIsStored()
    {
        var headerId = NewId();
        var bodyId = NewId();
        var body = WebhookPortal.EventJson(bodyId, "POINTS_POSTED", "wallet", "rrr_m_x", 1);

        var response = await portal.PostSignedAsync(headerId, body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Null(await portal.Inbox.GetAsync(headerId, Ct));
        Assert.Null(await portal.Inbox.GetAsync(bodyId, Ct));
    }

    [Fact]
    public async Task DuplicateDelivery_IsAcknowledged_StoredOnce_AndProcessedOnce()
    {
        var id = NewId();
        var body = WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_dup", 3, "rrr_m_dup");
        var published = new ConcurrentQueue<RrrEvent>();
        using var subscription = portal.Notifier.Subscribe(RrrTopic.Member("rrr_m_dup"), published.Enqueue);
        var before = await portal.Inbox.CountAsync(null, Ct);

        var first = await portal.PostSignedAsync(id, body);
        var again = await portal.PostSignedAsync(id, body);
        await portal.WaitProcessedAsync(id);

        // A later attempt carries a new timestamp (a new signature) but the same id.
        var later = await portal.PostSignedAsync(id, body, timestamp: WebhookPortal.Now + 30);
        await portal.Processor.RunOnceAsync(Ct);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(before + 1, await portal.Inbox.CountAsync(null, Ct));
        Assert.Equal(1, (await portal.Inbox.GetAsync(id, Ct))!.Attempts);
        Assert.Single(published);
    }

    [Fact]
    public async Task OutOfOrder_OlderVersionAfterNewer_LeavesTheNewerState()
    {
        var v2 = NewId();
        var v1 = NewId();
        var published = new ConcurrentQueue<RrrEvent>();
        using var subscription = portal.Notifier.Subscribe(RrrTopic.Member("rrr_m_ooo"), published.Enqueue);

        await portal.PostSignedAsync(v2, WebhookPortal.EventJson(v2, "POINTS_POSTED", "wallet", "rrr_m_ooo", 2, "rrr_m_ooo"));
        await portal.WaitProcessedAsync(v2);
        await portal.PostSignedAsync(v1, WebhookPortal.EventJson(v1, "POINTS_POSTED", "wallet", "rrr_m_ooo", 1, "rrr_m_ooo"));
        var stale = await portal.WaitProcessedAsync(v1);

        Assert.Equal(InboxOutcome.Stale, stale.Outcome);
        var state = await portal.Versions.GetAsync("wallet", "rrr_m_ooo", Ct);
        Assert.Equal(2, state!.Version);
        Assert.Equal(v2, state.EventId);
        Assert.Equal([v2], published.Select(e => e.Id));
    }

    [Fact]
    public async Task InOrder_NewerVersionReplacesTheOlder()
    {
        var v1 = NewId();
        var v2 = NewId();

        await portal.PostSignedAsync(v1, WebhookPortal.EventJson(v1, "LINK_UPDATED", "link", "xcn_u_inorder", 1));
        await portal.WaitProcessedAsync(v1);
        await portal.PostSignedAsync(v2, WebhookPortal.EventJson(v2, "LINK_UPDATED", "link", "xcn_u_inorder", 2));
        var applied = await portal.WaitProcessedAsync(v2);

        Assert.Equal(InboxOutcome.Applied, applied.Outcome);
        var state = await portal.Versions.GetAsync("link", "xcn_u_inorder", Ct);
        Assert.Equal(2, state!.Version);
        Assert.Equal(v2, state.EventId);
    }

    [Fact]
    public async Task UnknownType_IsStoredAndAcknowledged_AsIgnored()
    {
        var id = NewId();
        var published = new ConcurrentQueue<RrrEvent>();
        using var subscription = portal.Notifier.Subscribe(RrrTopic.Member("rrr_m_unknown"), published.Enqueue);

        var response = await portal.PostSignedAsync(id, WebhookPortal.EventJson(id, "TIER_CHANGED", "tier", "rrr_m_unknown", 1, "rrr_m_unknown"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var record = await portal.WaitProcessedAsync(id);
        Assert.Equal(InboxStatus.Processed, record.Status);
        Assert.Equal(InboxOutcome.Ignored, record.Outcome);
        Assert.Null(record.LastError);
        Assert.Equal("TIER_CHANGED", record.Event.Type);
        Assert.Null(await portal.Versions.GetAsync("tier", "rrr_m_unknown", Ct));
        Assert.Empty(published);
    }

    [Fact]
    public async Task PersonalData_InTheBody_IsNeverStored()
    {
        var id = NewId();
        var body = """
            {"id":"ID","type":"LINK_UPDATED","created_at":"2021-02-26T03:42:10Z",
             "email":"mia@example.com","member":{"display_name":"Mia M"},
             "data":{"resource_type":"link","resource_id":"xcn_u_pii","version":4,"xcn_user_id":"xcn_u_pii",
                     "status":"LINKED","email":"mia@example.com","display_name":"Mia M",
                     "profile":{"phone":"+1 555 0100"},"rrr_member_id":{"name":"Mia M"},"link_id":["lnk_1"]}}
            """.Replace("\"ID\"", "\"" + id + "\"", StringComparison.Ordinal);

        var response = await portal.PostSignedAsync(id, body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = (await portal.Inbox.GetAsync(id, Ct))!.Event.Payload;
        Assert.DoesNotContain("mia", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Mia", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("555", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("lnk_1", stored, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stored);
        Assert.Equal(["id", "type", "created_at", "data"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["resource_type", "resource_id", "version", "xcn_user_id", "status"],
            json.RootElement.GetProperty("data").EnumerateObject().Select(p => p.Name));
        var state = await portal.Versions.GetAsync("link", "xcn_u_pii", Ct) ?? (await WaitStateAsync("link", "xcn_u_pii"));
        Assert.DoesNotContain("mia", state.Data, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Rotation_ASignatureByTheSecondSecretVerifies()
    {
        var id = NewId();
        var body = WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_rot", 1);

        var response = await portal.PostSignedAsync(id, body, WebhookPortal.RotatedSecret);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(await portal.Inbox.GetAsync(id, Ct));
    }

    [Fact]
    public async Task Rotation_SeveralSignatures_OneValidIsEnough()
    {
        var id = NewId();
        var body = WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_rot2", 1);
        var unknown = WebhookPortal.Sign("whsec_" + Convert.ToBase64String(new byte[24]), id, WebhookPortal.Now, body);
        var valid = WebhookPortal.Sign(WebhookPortal.RotatedSecret, id, WebhookPortal.Now, body);

        var response = await portal.PostAsync(body, id, NowText, unknown + " " + valid);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task<ResourceState> WaitStateAsync(string type, string id)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (true)
        {
            if (await portal.Versions.GetAsync(type, id, Ct) is { } state)
            {
                return state;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>A body whose length is not known up front, so the request goes out chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
