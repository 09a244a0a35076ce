using System.Net;

namespace Rrr.Portal.Tests.Sandbox.Ledger;

public sealed class AwardTests : SandboxLedgerTest
{
    [Fact]
    public async Task Award_ToUnlinkedViewer_Is422NotLinked_WithAMessage()
    {
        var (status, json, _) = await Sandbox.PostAsync("/v1/awards/intents", Intent("xcn_u_1004", 100));

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("not_linked", json.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task AwardCommit_DebitsModelAndCreditsViewer_Together()
    {
        var intent = await Sandbox.PostOkAsync("/v1/awards/intents", Intent("xcn_u_1003", 120), HttpStatusCode.Created);

        var award = await Sandbox.PostOkAsync($"/v1/awards/{intent.GetProperty("award_intent_id").GetString()}/commit");

        Assert.Equal("rrr_m_1003", intent.GetProperty("viewer_member_id").GetString());
        Assert.Equal("COMMITTED", award.GetProperty("status").GetString());
        Assert.Equal(9880, await Sandbox.AvailableAsync("rrr_m_2001"));
        Assert.Equal(200, await Sandbox.AvailableAsync("rrr_m_1003"));
        var events = Sandbox.Events.OfType("TRANSFER_COMPLETED");
        Assert.Equal(2, events.Count);
        Assert.Contains(events, e => (string?)e["resource_id"] == "rrr_m_2001" && (string?)e["counterparty_member_id"] == "rrr_m_1003");
        Assert.Contains(events, e => (string?)e["resource_id"] == "rrr_m_1003" && (long?)e["points"] == 120);
        Assert.All(events, e => Assert.Equal(intent.GetProperty("award_intent_id").GetString(), (string?)e["award_intent_id"]));
    }

    [Fact]
    public async Task AwardReverse_CreditsTheModelBack_DebitsTheViewer_AndSendsTransferReversedPerSide_Once()
    {
        var intent = await Sandbox.PostOkAsync("/v1/awards/intents", Intent("xcn_u_1003", 120), HttpStatusCode.Created);
        var intentId = intent.GetProperty("award_intent_id").GetString();
        var award = await Sandbox.PostOkAsync($"/v1/awards/{intentId}/commit");
        var awardId = award.GetProperty("award_id").GetString();

        var reversed = await Sandbox.PostOkAsync($"/sandbox/awards/{awardId}/reverse");
        var (again, problem, _) = await Sandbox.PostAsync($"/sandbox/awards/{awardId}/reverse");

        Assert.Equal("REVERSED", reversed.GetProperty("status").GetString());
        Assert.Equal(10000, await Sandbox.AvailableAsync("rrr_m_2001"));
        Assert.Equal(80, await Sandbox.AvailableAsync("rrr_m_1003"));
        var events = Sandbox.Events.OfType("TRANSFER_REVERSED");
        Assert.Equal(2, events.Count);
        Assert.Contains(events, e => (string?)e["resource_id"] == "rrr_m_1003" && (long?)e["points"] == -120 && (string?)e["status"] == "REVERSED");
        Assert.Contains(events, e => (string?)e["resource_id"] == "rrr_m_2001" && (long?)e["points"] == 120);
        Assert.All(events, e => Assert.Equal((intentId, awardId), ((string?)e["award_intent_id"], (string?)e["award_id"])));
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal("invalid_state", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AwardCommit_WhenTheModelRanShort_ChangesNeitherSide()
    {
        var intent = await Sandbox.PostOkAsync("/v1/awards/intents", Intent("xcn_u_1003", 9000), HttpStatusCode.Created);
        var second = await Sandbox.PostOkAsync("/v1/awards/intents", Intent("xcn_u_1003", 9000), HttpStatusCode.Created);
        await Sandbox.PostOkAsync($"/v1/awards/{intent.GetProperty("award_intent_id").GetString()}/commit");

        var (status, json, _) = await Sandbox.PostAsync($"/v1/awards/{second.GetProperty("award_intent_id").GetString()}/commit");

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("insufficient_points", json.GetProperty("code").GetString());
        Assert.Equal(1000, await Sandbox.AvailableAsync("rrr_m_2001"));
        Assert.Equal(9080, await Sandbox.AvailableAsync("rrr_m_1003"));
    }

    private static object Intent(string viewer, long points) => new
    {
        model_member_id = "rrr_m_2001",
        viewer_xcn_user_id = viewer,
        points,
        room_id = "room_1",
        stream_id = "stream_1",
    };
}
