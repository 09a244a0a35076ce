using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features.Webhooks;
using Rrr.Portal.Features.Webhooks;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Webhooks;

/// <summary>What an unauthenticated sender can put in a webhook's headers is bounded and answered 4xx, never 500.</summary>
public sealed class WebhookBoundsTests : IDisposable
{
    private readonly PortalFactory root = new();
    private readonly LevelRecordingLoggerProvider logs = new();
    private readonly WebApplicationFactory<Program> factory;

    public WebhookBoundsTests()
    {
        factory = root.WithWebHostBuilder(b =>
        {
            b.UseSetting("Webhooks:Secrets:0", WebhookPortal.SpecSecret);
            b.ConfigureLogging(l => l.AddProvider(logs));
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(WebhookPortal.Now))));
        });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        factory.Dispose();
        root.Dispose();
    }

    private async Task<HttpResponseMessage> PostAsync(string body, string id, string timestamp, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, RrrWebhookEndpoints.Path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("webhook-id", id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("webhook-signature", signature);
        using var client = factory.CreateClient();
        return await client.SendAsync(request, Ct);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
    }

    private static string Forged => "v1," + Convert.ToBase64String(new byte[32]);

    [Theory]
    [InlineData("1614265330000")] // milliseconds instead of seconds: 13 digits, past year 9999
    [InlineData("253402300800")] // the first second after 9999-12-31T23:59:59Z
    [InlineData("9223372036854775807")] // long.MaxValue
    [InlineData("99999999999999999999")] // not even a long
    public async Task AbsurdTimestamp_Is401_AndNothingIsLoggedAsAnError(string timestamp)
    {
        var id = "evt_" + Guid.NewGuid().ToString("N");

        var response = await PostAsync(WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_x", 1), id, timestamp, Forged);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error || e.Exception is not null);
    }

    [Fact]
    public void Verifier_TimestampPastYear9999_IsOutOfTolerance_NotAnException()
    {
        var verifier = new StandardWebhookVerifier([WebhookSecret.Parse(WebhookPortal.SpecSecret)], new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(WebhookPortal.Now)));

        var result = verifier.Verify("msg_1", "1614265330000", Forged, "{}"u8);

        Assert.Equal(WebhookRejection.TimestampOutOfTolerance, result.Rejection);
    }

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("webhook-timestamp")]
    [InlineData("webhook-signature")]
    public async Task OverlongHeader_Is400Problem(string header)
    {
        var id = header == "webhook-id" ? "evt_" + new string('a', RrrWebhookEndpoints.MaxIdLength) : "evt_" + Guid.NewGuid().ToString("N");
        var timestamp = header == "webhook-timestamp" ? new string('0', RrrWebhookEndpoints.MaxTimestampLength + 1) : WebhookPortal.Now.ToString(CultureInfo.InvariantCulture);
        var signature = header == "webhook-signature" ? string.Join(' ', Enumerable.Repeat(Forged, 30)) : Forged;

        var response = await PostAsync(WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_x", 1), id, timestamp, signature);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SignedDelivery_WithAnOverlongId_Is400_AndNotStored()
    {
        // Signed with the real secret: the header bound and the event's id rule are one number, so no id passes one and fails the other.
        var id = "evt_" + new string('z', RrrWebhookEndpoints.MaxIdLength - 3);
        var body = WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_long", 1, "rrr_m_long");

        var response = await PostAsync(body, id, WebhookPortal.Now.ToString(CultureInfo.InvariantCulture), WebhookPortal.Sign(WebhookPortal.SpecSecret, id, WebhookPortal.Now, body));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Null(await factory.Services.GetRequiredService<IWebhookInbox>().GetAsync(id, Ct));
    }
}
