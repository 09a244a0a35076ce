using System.Net;
using System.Text.RegularExpressions;
using Rrr.Sandbox.Identity;

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

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "https://evil.example")]
    public async Task SignIn_PostedFromAnotherSite_IsRefusedAndSignsNobodyIn(string header, string value)
    {
        var response = await PostAccountFormAsync("mia", "/console", (header, value));
        var console = await Sandbox.Browser.GetAsync(new Uri("/console", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
    }

    [Fact]
    public async Task SignIn_PostedFromTheSandboxsOwnPage_NeedsNoCookieToken()
    {
        // What a browser sends from the login page: fetch metadata, and no antiforgery cookie on a first visit.
        var response = await PostAccountFormAsync("mia", "/console", ("Sec-Fetch-Site", "same-origin"), ("Origin", Sandbox.Browser.BaseAddress!.GetLeftPart(UriPartial.Authority)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public void CrossSiteRule_TrustsFetchMetadataFirst_ThenOrigin()
    {
        const string Own = "http://localhost:5081";
        Assert.False(SameOriginFormPost.IsCrossSite("same-origin", "", Own));
        Assert.False(SameOriginFormPost.IsCrossSite("none", "", Own));
        Assert.True(SameOriginFormPost.IsCrossSite("same-site", Own, Own));
        Assert.False(SameOriginFormPost.IsCrossSite("", "HTTP://LOCALHOST:5081", Own));
        Assert.True(SameOriginFormPost.IsCrossSite("", "http://localhost:5080", Own));
        Assert.False(SameOriginFormPost.IsCrossSite("", "", Own));
    }

    private async Task<HttpResponseMessage> SignInAsync(string userName, string returnUrl = "/console")
    {
        var response = await PostAccountFormAsync(userName, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    private async Task<HttpResponseMessage> PostAccountFormAsync(string userName, string returnUrl, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/account/choose", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = userName, ["returnUrl"] = returnUrl }),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Sandbox.Browser.SendAsync(request, Ct);
    }

    private static string Token(string html) => WebUtility.HtmlDecode(TokenPattern().Match(html).Groups[1].Value);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
