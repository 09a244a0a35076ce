using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Webhooks;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Webhooks;

/// <summary>
/// The real portal (PortalFactory) with two webhook secrets — the Standard Webhooks spec's test-vector
/// secret first, a rotation secret second — and the clock frozen at the spec vector's timestamp.
/// </summary>
public sealed class WebhookPortal : IAsyncDisposable
{
    public const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string RotatedSecret = "whsec_3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
    public const long Now = 1614265330;

    private readonly PortalFactory root = new();

    public WebhookPortal()
    {
        Factory = root.WithWebHostBuilder(b =>
        {
            b.UseSetting("Webhooks:Secrets:0", SpecSecret);
            b.UseSetting("Webhooks:Secrets:1", RotatedSecret);
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Time));
        });
        Client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(Now));

    public WebApplicationFactory<Program> Factory { get; }

    public HttpClient Client { get; }

    public IWebhookInbox Inbox => Factory.Services.GetRequiredService<IWebhookInbox>();

    public IResourceVersions Versions => Factory.Services.GetRequiredService<IResourceVersions>();

    public IPortalEvents Notifier => Factory.Services.GetRequiredService<IPortalEvents>();

    public WebhookProcessor Processor => Factory.Services.GetRequiredService<WebhookProcessor>();

    public static string Sign(string secret, string id, long timestamp, string body) =>
        StandardWebhookVerifier.Sign(WebhookSecret.Parse(secret), id, timestamp, Encoding.UTF8.GetBytes(body));

    /// <summary>Posts like RRR does; pass null for a header to leave it out.</summary>
    public async Task<HttpResponseMessage> PostAsync(string body, string? id, string? timestamp, string? signature, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/rrr")
        {
            Content = content ?? new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        AddHeader(request, "webhook-id", id);
        AddHeader(request, "webhook-timestamp", timestamp);
        AddHeader(request, "webhook-signature", signature);
        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Signs <paramref name="body"/> with the spec secret at the frozen time and posts it.</summary>
    public Task<HttpResponseMessage> PostSignedAsync(string id, string body, string secret = SpecSecret, long timestamp = Now) =>
        PostAsync(body, id, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), Sign(secret, id, timestamp, body));

    /// <summary>Waits (bounded) until the processor has settled the event; returns its record.</summary>
    public async Task<InboxRecord> WaitProcessedAsync(string eventId)
    {
        var ct = TestContext.Current.CancellationToken;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (true)
        {
            var record = await Inbox.GetAsync(eventId, ct);
            if (record is { Status: not InboxStatus.Pending })
            {
                return record;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    public static string EventJson(string id, string type, string resourceType, string resourceId, long version, string? memberId = null, string extraData = "")
    {
        var member = memberId is null ? "" : ",\"rrr_member_id\":\"" + memberId + "\"";
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"created_at\":\"2021-02-26T03:42:10Z\",\"data\":{"
            + "\"resource_type\":\"" + resourceType + "\",\"resource_id\":\"" + resourceId + "\",\"version\":"
            + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + member + extraData + "}}";
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await root.DisposeAsync();
    }

    private static void AddHeader(HttpRequestMessage request, string name, string? value)
    {
        if (value is not null)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
