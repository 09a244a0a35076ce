using System.Net;

namespace Rrr.Portal.Tests.Sandbox.Ledger;

public sealed class SsoAndRestartTests : SandboxLedgerTest
{
    [Fact]
    public async Task SsoTicket_SignsInOnce_ThenTheLinkHasExpired()
    {
        var ticket = await Sandbox.PostOkAsync("/v1/sso/tickets", new { rrr_member_id = "rrr_m_1001" }, HttpStatusCode.Created);
        var url = new Uri(ticket.GetProperty("url").GetString()!);

        var first = await Sandbox.Browser.GetAsync(url, Ct);
        var dashboard = await Sandbox.Browser.GetAsync(new Uri("/dashboard", UriKind.Relative), Ct);
        var second = await Sandbox.Browser.GetAsync(url, Ct);

        Assert.Equal(Sandbox.Url.Authority, url.Authority);
        Assert.Equal("/sso/consume", url.AbsolutePath);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/dashboard", first.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("1,250", await dashboard.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, second.StatusCode);
        Assert.Contains("This link has expired", await second.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SsoTicket_After60Seconds_HasExpired()
    {
        var ticket = await Sandbox.PostOkAsync("/v1/sso/tickets", new { rrr_member_id = "rrr_m_1001" }, HttpStatusCode.Created);

        await Sandbox.AdvanceClockAsync(1.0 / 60 * 1.5);
        var response = await Sandbox.Browser.GetAsync(new Uri(ticket.GetProperty("url").GetString()!), Ct);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
    }

    [Fact]
    public async Task Restart_KeepsTheLedgerAndTheKeys()
    {
        var key = SandboxLedgerHost.NewKey();
        var body = ApiGateAndIdempotencyTests.Earn("ord-restart", "IMMEDIATE");
        await Sandbox.PostAsync("/v1/earn-events", body, key);
        await Sandbox.LinkAsync("xcn_u_1002");
        var before = await Sandbox.WalletAsync("rrr_m_1001");

        Sandbox = await Sandbox.RestartAsync();
        var after = await Sandbox.WalletAsync("rrr_m_1001");
        var link = await Sandbox.GetOkAsync("/v1/links?xcn_user_id=xcn_u_1002");
        var replay = await Sandbox.PostAsync("/v1/earn-events", body, key);

        Assert.Equal(1275, after.GetProperty("available_points").GetInt64());
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
        Assert.Equal("LINKED", link.GetProperty("status").GetString());
        Assert.Equal("true", replay.Response.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Restart_OnTheSamePortInTheSameProcess_StartsCleanly()
    {
        // A port freed by one test is often handed to the next; the sign-in provider once kept its client
        // registration per port and the second start failed.
        var url = Sandbox.Url;
        await Sandbox.DisposeAsync();

        Sandbox = await SandboxLedgerHost.StartAsync(url: url);
        var console = await Sandbox.Browser.GetAsync(new Uri("/console", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
        Assert.Equal(1250, await Sandbox.AvailableAsync("rrr_m_1001"));
    }
}
