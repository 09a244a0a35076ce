using System.Text.Json;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Portal.Tests.Features.Webhooks;

public sealed class RrrEventPayloadTests
{
    [Fact]
    public void Parse_KeepsTheEnvelopeAndAllowListedScalars_Only()
    {
        var parsed = RrrEventPayload.Parse("""
            {"id":"evt_1","type":"POINTS_POSTED","created_at":"2026-11-25T13:00:00Z","livemode":true,
             "data":{"resource_type":"wallet","resource_id":"rrr_m_1001","version":12,"points":250,
                     "rrr_member_id":"rrr_m_1001","status":null,"email":"a@b.c","nested":{"x":1},
                     "order_number":{"inner":"x"},"entry_id":1.5,"reason_code":true}}
            """);

        Assert.NotNull(parsed);
        Assert.Equal("evt_1", parsed.Id);
        Assert.Equal("POINTS_POSTED", parsed.Type);
        Assert.Equal("2026-11-25T13:00:00Z", parsed.CreatedAt);
        Assert.Equal(
            new Dictionary<string, object?>
            {
                ["resource_type"] = "wallet", ["resource_id"] = "rrr_m_1001", ["version"] = 12L, ["points"] = 250L,
                ["rrr_member_id"] = "rrr_m_1001", ["status"] = null,
            },
            parsed.Data);
        Assert.Equal(12, parsed.Version);
    }

    [Fact]
    public void ToJson_WritesTheStoredShape_AndRoundTrips()
    {
        var parsed = RrrEventPayload.Parse("""{"id":"evt_2","type":"LINK_UPDATED","display_name":"X","data":{"xcn_user_id":"xcn_u_1","version":3}}""")!;

        var json = RrrEventPayload.ToJson(parsed);

        Assert.Equal("""{"id":"evt_2","type":"LINK_UPDATED","data":{"xcn_user_id":"xcn_u_1","version":3}}""", json);
        Assert.Equal(parsed.Data, RrrEventPayload.Parse(json)!.Data);
        Assert.Equal("""{"xcn_user_id":"xcn_u_1","version":3}""", RrrEventPayload.DataToJson(parsed));
    }

    [Theory]
    [InlineData("""{"test": 2432232314}""")]
    [InlineData("""{"id":"evt_1"}""")]
    [InlineData("""{"id":7,"type":"X"}""")]
    [InlineData("""{"id":"","type":"X"}""")]
    [InlineData("""[{"id":"evt_1","type":"X"}]""")]
    [InlineData("""{"id":"evt_1","type":"X" """)]
    [InlineData("not json")]
    [InlineData("")]
    public void Parse_WhatIsNotAnRrrEvent_IsNull(string body) => Assert.Null(RrrEventPayload.Parse(body));

    [Fact]
    public void Parse_TrailingContentAfterTheObject_IsNull()
    {
        // A second value could smuggle data past a parser that stops early; the whole body must be one event.
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse("""{"id":"evt_1","type":"X"} {}"""));
        Assert.Null(RrrEventPayload.Parse("""{"id":"evt_1","type":"X"} {}"""));
    }

    [Fact]
    public void Parse_RepeatedMembers_TheLastOccurrenceCounts()
    {
        // The single-pass reader keeps what a JsonDocument lookup gave: last id, last data object,
        // a repeated field keeps its first position and its last scalar value.
        var parsed = RrrEventPayload.Parse("""
            {"id":"evt_old","type":"X","data":{"points":1},"id":"evt_1",
             "data":{"points":2,"status":"A","points":3,"status":{"x":1},"resource\u005ftype":"wallet"}}
            """)!;

        Assert.Equal("evt_1", parsed.Id);
        Assert.Equal("""{"id":"evt_1","type":"X","data":{"points":3,"status":"A","resource_type":"wallet"}}""", RrrEventPayload.ToJson(parsed));
    }

    [Fact]
    public void Parse_StringThatIsNotUtf8_IsNull()
    {
        byte[] body = [.. """{"id":"evt_1","type":"X","data":{"status":" """u8, 0xFF, 0xFE, .. "\"}}"u8];

        Assert.Null(RrrEventPayload.Parse(body));
    }

    [Fact]
    public void Parse_NestingBeyondTheLimit_IsNull()
    {
        var deep = new string('[', 16) + new string(']', 16);

        Assert.Null(RrrEventPayload.Parse($$"""{"id":"evt_1","type":"X","extra":{{deep}}}"""));
        Assert.NotNull(RrrEventPayload.Parse($$"""{"id":"evt_1","type":"X","extra":{{deep[1..^1]}}}"""));
    }
}
