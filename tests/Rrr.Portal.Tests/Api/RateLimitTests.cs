using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Sso;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Earn;
using Rrr.Portal.Features.Webhooks;
using Rrr.Portal.Tests.Features.Links;
using Rrr.Portal.Tests.Features.Webhooks;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Api;

/// <summary>
/// The framework's rate limiter on the real pipeline, with small limits: past the limit the answer is 429 with
/// Retry-After and a problem; under it, and for another user or address, the same flow still works.
/// </summary>
public sealed partial class RateLimitTests : IDisposable
{
    private const string InternalKey = "test-internal-key-0123456789abcdef";
    private const string AddressA = "203.0.113.10";
    private const string AddressB = "203.0.113.20";

    private readonly PortalFactory root = new();
    private readonly FakeLinkFlowApi links = new();
    private readonly FakeSsoApi sso = new();
    private readonly FakeTimeProvider time = new(DateTimeOffset.FromUnixTimeSeconds(WebhookPortal.Now));
    private readonly WebApplicationFactory<Program> factory;

    public RateLimitTests()
    {
        factory = root.WithWebHostBuilder(b =>
        {
            b.UseSetting("RateLimits:SsoTickets:PermitLimit", "2");
            b.UseSetting("RateLimits:SsoTickets:Window", "01:00:00");
            b.UseSetting("RateLimits:WebhookFailures:PermitLimit", "3");
            b.UseSetting("RateLimits:WebhookFailures:Window", "01:00:00");
            b.UseSetting("RateLimits:InternalKeyFailures:PermitLimit", "3");
            b.UseSetting("RateLimits:InternalKeyFailures:Window", "01:00:00");
            b.UseSetting("RateLimits:Health:PermitLimit", "3");
            b.UseSetting("RateLimits:Health:Window", "01:00:00");
            b.UseSetting("FeatureManagement:SsoDeepLink", "true");
            b.UseSetting("FeatureManagement:AccountLinking", "true");
            b.UseSetting("Webhooks:Secrets:0", WebhookPortal.SpecSecret);
            b.UseSetting("Internal:ApiKeys:0", InternalKey);
            b.UseSetting("Earn:DispatcherEnabled", "false");
            b.UseTestClientAddress();
            b.ConfigureTestServices(s =>
            {
                s.AddSingleton<IRrrLinksApi>(links);
                s.AddSingleton<IRrrSsoApi>(sso);
                s.AddSingleton<TimeProvider>(time);
            });
        });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        factory.Dispose();
        root.Dispose();
    }

    /// <summary>429, a whole number of seconds in Retry-After, and RFC 9457 problem details saying the same.</summary>
    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal((long)retryAfter.Value.TotalSeconds, problem.RootElement.GetProperty("retry_after_seconds").GetInt64());
    }

    private HttpClient Member(string sub)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(PortalFactory.RolesHeader, PortalRoles.Member);
        client.DefaultRequestHeaders.Add(PortalFactory.SubHeader, sub);
        return client;
    }

    private static async Task<FormUrlEncodedContent> FormWithTokenAsync(HttpClient client)
    {
        var html = await client.GetStringAsync(new Uri("/member", UriKind.Relative), Ct);
        var token = TokenInput().Match(html);
        Assert.True(token.Success, "no antiforgery token on /member");
        return new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))]);
    }

    [Fact]
    public async Task SsoTickets_PastTheLimitPerMember_Are429_WhileAnotherMemberStillOpensRrr()
    {
        links.Link("xcn_u_rl_a", "rrr_m_rl_a");
        links.Link("xcn_u_rl_b", "rrr_m_rl_b");
        using var a = Member("xcn_u_rl_a");
        using var b = Member("xcn_u_rl_b");
        var formA = await FormWithTokenAsync(a);
        var formB = await FormWithTokenAsync(b);
        var open = new Uri("/member/rrr/open", UriKind.Relative);

        var first = await a.PostAsync(open, formA, Ct);
        var second = await a.PostAsync(open, formA, Ct);
        var third = await a.PostAsync(open, formA, Ct);
        var other = await b.PostAsync(open, formB, Ct);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        await AssertTooManyAsync(third);
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.StartsWith(FakeSsoApi.ConsumeBase, other.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(["rrr_m_rl_a", "rrr_m_rl_a", "rrr_m_rl_b"], sso.Calls.Select(c => c.RrrMemberId).ToArray());
    }

    private async Task<HttpResponseMessage> PostWebhookAsync(string address, string id, string body, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, RrrWebhookEndpoints.Path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", WebhookPortal.Now.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signature);
        ClientAddress.From(request, address);
        using var client = factory.CreateClient();
        return await client.SendAsync(request, Ct);
    }

    private static (string Id, string Body) NewEvent()
    {
        var id = "evt_" + Guid.NewGuid().ToString("N");
        return (id, WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_rl", 1, "rrr_m_rl"));
    }

    [Fact]
    public async Task Webhooks_OnlyFailuresCount_PastTheLimitTheyAre429_ButASignedDeliveryFromThatAddressIsStillAccepted()
    {
        var forged = "v1," + Convert.ToBase64String(new byte[32]);
        var refusals = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            var (id, body) = NewEvent();
            refusals.Add((await PostWebhookAsync(AddressA, id, body, forged)).StatusCode);
        }

        var (overId, overBody) = NewEvent();
        var over = await PostWebhookAsync(AddressA, overId, overBody, forged);
        var (goodId, goodBody) = NewEvent();
        var signed = await PostWebhookAsync(AddressA, goodId, goodBody, WebhookPortal.Sign(WebhookPortal.SpecSecret, goodId, WebhookPortal.Now, goodBody));
        var (otherId, otherBody) = NewEvent();
        var otherAddress = await PostWebhookAsync(AddressB, otherId, otherBody, forged);

        Assert.All(refusals, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        await AssertTooManyAsync(over);
        Assert.Equal(HttpStatusCode.Accepted, signed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherAddress.StatusCode);
    }

    [Fact]
    public async Task Webhooks_ValidDeliveriesNeverSpendTheFailureBudget()
    {
        for (var i = 0; i < 5; i++)
        {
            var (id, body) = NewEvent();
            var signed = await PostWebhookAsync(AddressA, id, body, WebhookPortal.Sign(WebhookPortal.SpecSecret, id, WebhookPortal.Now, body));
            Assert.Equal(HttpStatusCode.Accepted, signed.StatusCode);
        }

        var (forgedId, forgedBody) = NewEvent();
        var firstForgery = await PostWebhookAsync(AddressA, forgedId, forgedBody, "v1," + Convert.ToBase64String(new byte[32]));

        Assert.Equal(HttpStatusCode.Unauthorized, firstForgery.StatusCode);
    }

    private async Task<HttpResponseMessage> PostOrderAsync(string address, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, OrderEndpoints.PaidPath)
        {
            Content = JsonContent.Create(new
            {
                order_number = "xcn_o_" + Guid.NewGuid().ToString("N")[..12],
                xcn_user_id = "xcn_u_1001",
                product = "TOKENS",
                amount = "12.50",
                currency = "USD",
                paid_at = "2021-02-25T12:00:00Z",
            }),
        };
        if (key is not null)
        {
            request.Headers.Add(InternalApiKeyHandler.HeaderName, key);
        }

        ClientAddress.From(request, address);
        using var client = factory.CreateClient();
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task InternalOrders_WrongKeysPastTheLimitAre429_TheValidKeyStillWorks_AndAnotherAddressIsOnlyRefused()
    {
        var refusals = new List<HttpStatusCode>
        {
            (await PostOrderAsync(AddressA, "wrong-key")).StatusCode,
            (await PostOrderAsync(AddressA, null)).StatusCode,
            (await PostOrderAsync(AddressA, "another-wrong-key")).StatusCode,
        };

        var over = await PostOrderAsync(AddressA, "wrong-key");
        var valid = await PostOrderAsync(AddressA, InternalKey);
        var otherAddress = await PostOrderAsync(AddressB, "wrong-key");

        Assert.All(refusals, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        await AssertTooManyAsync(over);
        Assert.Equal(HttpStatusCode.Accepted, valid.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherAddress.StatusCode);
    }

    private async Task<HttpResponseMessage> GetHealthAsync(string address, string path = "/health/ready")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        ClientAddress.From(request, address);
        using var client = factory.CreateClient();
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Health_PastTheLimitPerAddressIs429_AnotherAddressIsStillAnswered()
    {
        var answered = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            answered.Add((await GetHealthAsync(AddressA, i == 0 ? "/health/live" : "/health/ready")).StatusCode);
        }

        var over = await GetHealthAsync(AddressA);
        var otherAddress = await GetHealthAsync(AddressB);

        Assert.All(answered, s => Assert.Equal(HttpStatusCode.OK, s));
        await AssertTooManyAsync(over);
        Assert.Equal(HttpStatusCode.OK, otherAddress.StatusCode);
        Assert.Equal("Healthy", await otherAddress.Content.ReadAsStringAsync(Ct));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
