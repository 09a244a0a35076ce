using System.Net;

namespace Rrr.Portal.Tests.Sandbox.Ledger;

public sealed class CheckoutTests : SandboxLedgerTest
{
    [Fact]
    public async Task Options_AreStepsOf100UpToBalanceAndCart()
    {
        var options = await Sandbox.GetOkAsync("/v1/redemptions/options?rrr_member_id=rrr_m_1001&cart_total=7.50&currency=USD");

        Assert.Equal(700, options.GetProperty("max_points").GetInt64());
        Assert.Equal(7, options.GetProperty("options").GetArrayLength());
        Assert.Equal("7.00", options.GetProperty("options")[6].GetProperty("value").GetProperty("amount").GetString());
        Assert.Equal("0.01", options.GetProperty("point_value").GetProperty("amount").GetString());
    }

    [Fact]
    public async Task Quote_HoldsInEscrow_AndReverseRestoresTheBalance()
    {
        var quote = await Sandbox.PostOkAsync("/v1/redemptions/quotes", new { rrr_member_id = "rrr_m_1001", points = 500, order_ref = "cart-1" }, HttpStatusCode.Created);
        var held = await Sandbox.WalletAsync("rrr_m_1001");

        var reversed = await Sandbox.PostOkAsync($"/v1/redemptions/{quote.GetProperty("quote_id").GetString()}/reverse", new { reason = "payment_failed" });
        var after = await Sandbox.WalletAsync("rrr_m_1001");

        Assert.Equal("HELD", quote.GetProperty("status").GetString());
        Assert.Equal("5.00", quote.GetProperty("value").GetProperty("amount").GetString());
        Assert.Equal(750, held.GetProperty("available_points").GetInt64());
        Assert.Equal(500, held.GetProperty("escrow_points").GetInt64());
        Assert.Equal("REVERSED", reversed.GetProperty("status").GetString());
        Assert.Equal(1250, after.GetProperty("available_points").GetInt64());
        Assert.Equal(0, after.GetProperty("escrow_points").GetInt64());
        var released = Assert.Single(Sandbox.Events.OfType("REDEMPTION_REVERSED"));
        Assert.Equal(("rrr_m_1001", 500L, quote.GetProperty("quote_id").GetString()), ((string?)released["resource_id"], (long?)released["points"], (string?)released["quote_id"]));
    }

    [Fact]
    public async Task Quote_Commit_SpendsThePoints_AndCannotCommitTwice()
    {
        var quote = await Sandbox.PostOkAsync("/v1/redemptions/quotes", new { rrr_member_id = "rrr_m_1001", points = 300, order_ref = "cart-2" }, HttpStatusCode.Created);
        var path = $"/v1/redemptions/{quote.GetProperty("quote_id").GetString()}/commit";

        var committed = await Sandbox.PostOkAsync(path, new { payment_ref = "pay-1" });
        var again = await Sandbox.PostAsync(path, new { payment_ref = "pay-1" });
        var wallet = await Sandbox.WalletAsync("rrr_m_1001");

        Assert.Equal("COMMITTED", committed.GetProperty("status").GetString());
        Assert.Equal(950, wallet.GetProperty("available_points").GetInt64());
        Assert.Equal(0, wallet.GetProperty("escrow_points").GetInt64());
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("invalid_state", again.Json.GetProperty("code").GetString());
        Assert.Single(Sandbox.Events.OfType("REDEMPTION_COMMITTED"));
    }

    [Fact]
    public async Task ExpiredQuote_IsRefused_AndItsEscrowReleased()
    {
        var quote = await Sandbox.PostOkAsync("/v1/redemptions/quotes", new { rrr_member_id = "rrr_m_1001", points = 200, order_ref = "cart-3" }, HttpStatusCode.Created);

        await Sandbox.AdvanceClockAsync(0.5);
        var (status, json, _) = await Sandbox.PostAsync($"/v1/redemptions/{quote.GetProperty("quote_id").GetString()}/commit", new { payment_ref = "pay-2" });
        var wallet = await Sandbox.WalletAsync("rrr_m_1001");

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("quote_expired", json.GetProperty("code").GetString());
        Assert.Equal(1250, wallet.GetProperty("available_points").GetInt64());
        Assert.Equal(0, wallet.GetProperty("escrow_points").GetInt64());
    }

    [Fact]
    public async Task Quote_OverTheBalance_Is422InsufficientPoints()
    {
        var (status, json, _) = await Sandbox.PostAsync("/v1/redemptions/quotes", new { rrr_member_id = "rrr_m_1003", points = 100, order_ref = "cart-4" });

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("insufficient_points", json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task TopUp_QuoteAndCommit_PostsTheBundle()
    {
        var quote = await Sandbox.PostOkAsync("/v1/topups/quotes", new { rrr_member_id = "rrr_m_1003", bundle = 250 }, HttpStatusCode.Created);

        var posted = await Sandbox.PostOkAsync($"/v1/topups/{quote.GetProperty("quote_id").GetString()}/commit", new { payment_ref = "pay-3" });

        Assert.Equal("7.50", quote.GetProperty("price").GetProperty("amount").GetString());
        Assert.Equal("USD", quote.GetProperty("price").GetProperty("currency").GetString());
        Assert.Equal("POSTED", posted.GetProperty("status").GetString());
        Assert.Equal(330, await Sandbox.AvailableAsync("rrr_m_1003"));
    }

    [Fact]
    public async Task TopUp_OtherBundle_Is422ValidationFailed()
    {
        var (status, json, _) = await Sandbox.PostAsync("/v1/topups/quotes", new { rrr_member_id = "rrr_m_1003", bundle = 300 });

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("validation_failed", json.GetProperty("code").GetString());
        Assert.True(json.GetProperty("errors").TryGetProperty("bundle", out _));
    }
}
