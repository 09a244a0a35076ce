using System.Net;

namespace Rrr.Portal.Tests.Sandbox.Ledger;

public sealed class LinkTests : SandboxLedgerTest
{
    [Fact]
    public async Task Link_WithCodeFromInbox_LinksNoahToHisRrrAccount()
    {
        var link = await Sandbox.LinkAsync("xcn_u_1002");

        Assert.Equal("LINKED", link.GetProperty("status").GetString());
        Assert.Equal("rrr_m_1002", link.GetProperty("rrr_member_id").GetString());
        var status = await Sandbox.GetOkAsync("/v1/links?xcn_user_id=xcn_u_1002");
        Assert.Equal("LINKED", status.GetProperty("status").GetString());
        Assert.Equal("ACCOUNT", status.GetProperty("link_type").GetString());
        var evt = Assert.Single(Sandbox.Events.OfType("LINK_UPDATED"));
        Assert.Equal("link", evt["resource_type"]);
        Assert.Equal("xcn_u_1002", evt["resource_id"]);
    }

    [Fact]
    public async Task Intent_ForUserWithoutAccount_CreatesAFreshMember_AndShowsPending()
    {
        await Sandbox.PostOkAsync("/v1/links/intents", new { xcn_user_id = "xcn_u_1004" }, HttpStatusCode.Created);

        var status = await Sandbox.GetOkAsync("/v1/links?xcn_user_id=xcn_u_1004");
        var link = await Sandbox.LinkAsync("xcn_u_1004");

        Assert.Equal("PENDING", status.GetProperty("status").GetString());
        Assert.StartsWith("rrr_m_", link.GetProperty("rrr_member_id").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await Sandbox.AvailableAsync(link.GetProperty("rrr_member_id").GetString()!));
    }

    [Fact]
    public async Task WrongCode_CountsDown_ThenVoidsTheIntent()
    {
        var intent = await Sandbox.PostOkAsync("/v1/links/intents", new { xcn_user_id = "xcn_u_1002" }, HttpStatusCode.Created);
        var intentId = intent.GetProperty("intent_id").GetString();
        var code = await Sandbox.CodeForAsync(intentId!);
        var wrong = code == "000000" ? "111111" : "000000";

        var remaining = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            var (status, json, _) = await Sandbox.PostAsync("/v1/links/confirm", new { intent_id = intentId, code = wrong });
            Assert.Equal((HttpStatusCode)422, status);
            Assert.Equal("invalid_code", json.GetProperty("code").GetString());
            remaining.Add(json.GetProperty("attempts_remaining").GetInt64());
        }

        var fifth = await Sandbox.PostAsync("/v1/links/confirm", new { intent_id = intentId, code = wrong });
        var right = await Sandbox.PostAsync("/v1/links/confirm", new { intent_id = intentId, code });

        Assert.Equal([4L, 3L, 2L, 1L], remaining);
        Assert.Equal("intent_void", fifth.Json.GetProperty("code").GetString());
        Assert.Equal("intent_void", right.Json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Intent_ForAlreadyLinkedUser_Is409()
    {
        var (status, json, _) = await Sandbox.PostAsync("/v1/links/intents", new { xcn_user_id = "xcn_u_1001" });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("already_linked", json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Confirm_WhenTheMemberGotLinkedMeanwhile_Is409()
    {
        var first = await Sandbox.PostOkAsync("/v1/links/intents", new { xcn_user_id = "xcn_u_1002" }, HttpStatusCode.Created);
        var second = await Sandbox.PostOkAsync("/v1/links/intents", new { xcn_user_id = "xcn_u_1004", rrr_member_id = "rrr_m_1002" }, HttpStatusCode.Created);
        await Sandbox.PostOkAsync("/v1/links/confirm", new
        {
            intent_id = first.GetProperty("intent_id").GetString(), code = await Sandbox.CodeForAsync(first.GetProperty("intent_id").GetString()!),
        });

        var (status, json, _) = await Sandbox.PostAsync("/v1/links/confirm", new
        {
            intent_id = second.GetProperty("intent_id").GetString(), code = await Sandbox.CodeForAsync(second.GetProperty("intent_id").GetString()!),
        });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("already_linked", json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Revoke_ThenBothSidesMayLinkAgain()
    {
        var before = await Sandbox.GetOkAsync("/v1/links?xcn_user_id=xcn_u_1001");

        var revoked = await Sandbox.PostOkAsync($"/v1/links/{before.GetProperty("link_id").GetString()}/revoke", new { reason = "user_request" });
        var after = await Sandbox.GetOkAsync("/v1/links?xcn_user_id=xcn_u_1001");
        var relinked = await Sandbox.LinkAsync("xcn_u_1001");

        Assert.Equal("REVOKED", revoked.GetProperty("status").GetString());
        Assert.Equal("REVOKED", after.GetProperty("status").GetString());
        Assert.True(after.GetProperty("version").GetInt64() > before.GetProperty("version").GetInt64());
        Assert.Equal("rrr_m_1001", relinked.GetProperty("rrr_member_id").GetString());
    }
}
