using System.Net;
using System.Text.RegularExpressions;

namespace Rrr.Portal.Tests.Sandbox.Ledger;

public sealed partial class SandboxPagesTests : SandboxLedgerTest
{
    [Fact]
    public async Task Inbox_ShowsTheMembersCode()
    {
        var intent = await Sandbox.PostOkAsync("/v1/links/intents", new { xcn_user_id = "xcn_u_1002" }, HttpStatusCode.Created);
        var code = await Sandbox.CodeForAsync(intent.GetProperty("intent_id").GetString()!);

        var page = await Sandbox.Browser.GetStringAsync(new Uri("/inbox?member=xcn_u_1002", UriKind.Relative), Ct);
        var other = await Sandbox.Browser.GetStringAsync(new Uri("/inbox?member=xcn_u_1004", UriKind.Relative), Ct);

        Assert.Contains(code, page, StringComparison.Ordinal);
        Assert.DoesNotContain(code, other, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_WhenAnonymous_RedirectsToSignIn()
    {
        var response = await Sandbox.Browser.GetAsync(new Uri("/console", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_RitaApprovesALargeAdjustment()
    {
        var created = await Sandbox.PostOkAsync("/v1/adjustments", new
        {
            rrr_member_id = "rrr_m_1003",
            points = 900,
            reason_code = "SERVICE_RECOVERY",
            ticket_id = "T-9",
            requested_by = "xcn_u_9001",
            xcn_approvals = new[] { new { approver_id = "xcn_u_9002" }, new { approver_id = "xcn_u_9003" } },
        }, HttpStatusCode.Created);
        var id = created.GetProperty("adjustment_id").GetString()!;
        await SignInAsync("rita");

        var console = await Sandbox.Browser.GetStringAsync(new Uri("/console", UriKind.Relative), Ct);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(console),
            ["kind"] = "adjustment",
            ["id"] = id,
            ["decision"] = "APPROVE",
        });
        var decided = await Sandbox.Browser.PostAsync(new Uri("/console/decide", UriKind.Relative), form, Ct);
        var adjustment = await Sandbox.GetOkAsync($"/v1/adjustments/{id}");

        Assert.Contains(id, console, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        Assert.Equal("POSTED", adjustment.GetProperty("status").GetString());
        Assert.Equal("rrr_a_0001", adjustment.GetProperty("rrr_approval").GetProperty("approver_id").GetString());
        Assert.Equal(980, await Sandbox.AvailableAsync("rrr_m_1003"));
    }

    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example/")]
    public async Task SignIn_WithAReturnUrlThatLeavesTheSandbox_GoesHomeInstead(string returnUrl)
    {
        var response = await SignInAsync("mia", returnUrl);

        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    private async Task<HttpResponseMessage> SignInAsync(string userName, string returnUrl = "/console")
    {
        var login = await Sandbox.Browser.GetStringAsync(new Uri("/account/login", UriKind.Relative), Ct);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(login),
            ["username"] = userName,
            ["returnUrl"] = returnUrl,
        });
        var response = await Sandbox.Browser.PostAsync(new Uri("/account/choose", UriKind.Relative), form, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    private static string Token(string html) => WebUtility.HtmlDecode(TokenPattern().Match(html).Groups[1].Value);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
