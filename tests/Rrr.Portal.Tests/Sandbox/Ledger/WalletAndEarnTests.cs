using System.Net;
using static Rrr.Portal.Tests.Sandbox.Ledger.ApiGateAndIdempotencyTests;

namespace Rrr.Portal.Tests.Sandbox.Ledger;

public sealed class WalletAndEarnTests : SandboxLedgerTest
{
    [Fact]
    public async Task SeededMia_HasTheDirectoryNumbers()
    {
        var wallet = await Sandbox.WalletAsync("rrr_m_1001");

        Assert.Equal(1250, wallet.GetProperty("available_points").GetInt64());
        Assert.Equal(40, wallet.GetProperty("pending_points").GetInt64());
        Assert.Equal(0, wallet.GetProperty("escrow_points").GetInt64());
        var expiring = Assert.Single(wallet.GetProperty("expiring_soon").EnumerateArray());
        Assert.Equal(300, expiring.GetProperty("points").GetInt64());
        Assert.EndsWith("Z", wallet.GetProperty("as_of").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownMember_Is404NotFound()
    {
        var (status, json, _) = await Sandbox.SendAsync(HttpMethod.Get, "/v1/members/rrr_m_nobody/wallet");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Transactions_ArePagedNewestFirst()
    {
        var first = await Sandbox.GetOkAsync("/v1/members/rrr_m_1001/transactions?limit=2");
        var cursor = first.GetProperty("next_cursor").GetString();
        var second = await Sandbox.GetOkAsync($"/v1/members/rrr_m_1001/transactions?limit=2&cursor={cursor}");

        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind);
        Assert.Equal("seed_order_1", second.GetProperty("items")[0].GetProperty("reference").GetString());
    }

    [Fact]
    public async Task EarnImmediate_PostsFloorOfAmountTimesRule_AndRaisesVersion()
    {
        var before = await Sandbox.WalletAsync("rrr_m_1001");

        var earn = await Sandbox.PostOkAsync("/v1/earn-events", Earn("ord-1", "IMMEDIATE", product: "MEMBERSHIP", amount: "9.99"), HttpStatusCode.Created);
        var after = await Sandbox.WalletAsync("rrr_m_1001");

        Assert.Equal(18, earn.GetProperty("points").GetInt64());
        Assert.Equal("POSTED", earn.GetProperty("status").GetString());
        Assert.Equal(1268, after.GetProperty("available_points").GetInt64());
        Assert.Equal(before.GetProperty("version").GetInt64() + 1, after.GetProperty("version").GetInt64());
        var evt = Assert.Single(Sandbox.Events.OfType("POINTS_POSTED"));
        Assert.Equal("wallet", evt["resource_type"]);
        Assert.Equal(after.GetProperty("version").GetInt64(), evt["version"]);
    }

    [Fact]
    public async Task EarnPending_IsReleasedAfter48HoursOnTheSandboxClock()
    {
        var earn = await Sandbox.PostOkAsync("/v1/earn-events", Earn("ord-2", "PENDING", amount: "100.00"), HttpStatusCode.Created);
        var pending = await Sandbox.WalletAsync("rrr_m_1001");

        await Sandbox.AdvanceClockAsync(48);
        var released = await Sandbox.WalletAsync("rrr_m_1001");

        Assert.Equal("PENDING", earn.GetProperty("status").GetString());
        Assert.Equal(140, pending.GetProperty("pending_points").GetInt64());
        Assert.Equal(1250, pending.GetProperty("available_points").GetInt64());
        Assert.Equal(0, released.GetProperty("pending_points").GetInt64());
        Assert.Equal(1390, released.GetProperty("available_points").GetInt64());
        var events = Sandbox.Events.OfType("POINTS_POSTED").Where(e => (string?)e["earn_event_id"] == earn.GetProperty("earn_event_id").GetString()).ToList();
        Assert.Equal(["PENDING", "POSTED"], events.Select(e => (string?)e["status"]));
        Assert.All(events, e => Assert.Equal(100L, Convert.ToInt64(e["points"], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task SameOrderUnderAnotherKey_Is409DuplicateOrder()
    {
        var earn = await Sandbox.PostOkAsync("/v1/earn-events", Earn("ord-3", "IMMEDIATE"), HttpStatusCode.Created);

        var (status, json, _) = await Sandbox.PostAsync("/v1/earn-events", Earn("ord-3", "IMMEDIATE"));

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("duplicate_order", json.GetProperty("code").GetString());
        Assert.Equal(earn.GetProperty("earn_event_id").GetString(), json.GetProperty("earn_event_id").GetString());
    }

    [Fact]
    public async Task Reverse_TakesThePointsBack_OnceOnly()
    {
        var earn = await Sandbox.PostOkAsync("/v1/earn-events", Earn("ord-4", "IMMEDIATE", amount: "50"), HttpStatusCode.Created);
        var id = earn.GetProperty("earn_event_id").GetString();

        var reversal = await Sandbox.PostOkAsync($"/v1/earn-events/{id}/reverse", new { reason = "refund" });
        var again = await Sandbox.PostAsync($"/v1/earn-events/{id}/reverse", new { reason = "refund" });

        Assert.Equal(50, reversal.GetProperty("points_reversed").GetInt64());
        Assert.Equal("REVERSED", reversal.GetProperty("status").GetString());
        Assert.Equal(1250, await Sandbox.AvailableAsync("rrr_m_1001"));
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("already_reversed", again.Json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Earn_ForUnlinkedUser_Is422NotLinked()
    {
        var (status, json, _) = await Sandbox.PostAsync("/v1/earn-events", Earn("ord-5", "IMMEDIATE", "xcn_u_1002"));

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("not_linked", json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Lot_PastItsDate_WritesAnExpiryEntry()
    {
        await Sandbox.AdvanceClockAsync(24 * 21);

        var wallet = await Sandbox.WalletAsync("rrr_m_1001");
        var latest = (await Sandbox.GetOkAsync("/v1/members/rrr_m_1001/transactions?limit=1")).GetProperty("items")[0];

        Assert.Equal(1250 - 300 + 40, wallet.GetProperty("available_points").GetInt64());
        Assert.Equal("EXPIRY", latest.GetProperty("type").GetString());
        Assert.Equal(-300, latest.GetProperty("points").GetInt64());
    }

    [Fact]
    public async Task BadJson_Is400ValidationFailed_AndMissingFieldsAre422()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/earn-events", UriKind.Relative))
        {
            Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", SandboxLedgerHost.NewKey());
        var bad = await Sandbox.Api.SendAsync(request, Ct);
        var (status, json, _) = await Sandbox.PostAsync("/v1/earn-events", new { xcn_user_id = "xcn_u_1001" });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("validation_failed", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode)422, status);
        Assert.True(json.GetProperty("errors").TryGetProperty("order_number", out _));
    }
}
