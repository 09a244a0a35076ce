using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Rrr.Portal.Features.Earn;
using Rrr.Portal.Features.Notifications;
using Rrr.Portal.Features.Wallet;
using Rrr.Portal.Features.Webhooks;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Features.Webhooks;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Api;

/// <summary>
/// Not run in parallel: xUnit runs such collections after the parallel ones, so by then every API test that went
/// through <see cref="PortalFactory"/> has recorded its exchanges (<see cref="ApiTraffic"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OpenApiContractCollection
{
    public const string Name = "OpenAPI contract (after the API tests)";
}

[Collection(OpenApiContractCollection.Name)]
public sealed class OpenApiContractTests
{
    private const string Key = "openapi-contract-internal-key-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_document_is_served_anonymously_and_describes_every_machine_endpoint()
    {
        using var portal = new PortalFactory();
        using var client = portal.CreateClientAs();

        using var response = await client.GetAsync(new Uri(OpenApiHosting.DocumentPath, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var paths = document.RootElement.GetProperty("paths");
        Assert.Equal(
            ["/health/live", "/health/ready", "/health/ready/details", NotificationEndpoints.ExpiryRemindersPath, OrderEndpoints.PaidPath, OrderEndpoints.RefundedPath, HistoryExportEndpoints.ExportPath, RrrWebhookEndpoints.Path],
            paths.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var webhook = paths.GetProperty(RrrWebhookEndpoints.Path).GetProperty("post");
        Assert.Equal(
            ["webhook-id", "webhook-signature", "webhook-timestamp"],
            webhook.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        var paid = paths.GetProperty(OrderEndpoints.PaidPath).GetProperty("post");
        Assert.True(paid.GetProperty("security")[0].TryGetProperty(OpenApiHosting.InternalKeyScheme, out _));
        Assert.Equal(
            InternalApiKeyHandler.HeaderName,
            document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty(OpenApiHosting.InternalKeyScheme).GetProperty("name").GetString());
        Assert.Equal(
            ["200", "202", "400", "401", "409", "413", "415", "422", "429", "503"],
            paid.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
        var paidBody = paid.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var paidSchema = paidBody.TryGetProperty("$ref", out var reference)
            ? document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : paidBody;
        Assert.Contains("unknown_plan", paidSchema.GetProperty("properties").GetProperty("membership_plan").GetProperty("description").GetString(), StringComparison.Ordinal);
        var history = paths.GetProperty(HistoryExportEndpoints.ExportPath).GetProperty("get");
        Assert.True(history.GetProperty("security")[0].TryGetProperty(OpenApiHosting.SessionScheme, out _));
        Assert.Equal(["from", "kind", "to"], history.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.True(history.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/csv", out _));
    }

    [Fact]
    public async Task Every_recorded_API_exchange_matches_the_OpenAPI_document()
    {
        // Its own sample first, so the check has traffic of every endpoint even when run alone.
        using var portal = new PortalFactory();
        using var factory = portal.WithWebHostBuilder(b =>
        {
            b.UseSetting("Internal:ApiKeys:0", Key);
            b.UseSetting("Earn:DispatcherEnabled", "false");
            b.UseSetting("Webhooks:Secrets:0", WebhookPortal.SpecSecret);
        });
        var contract = await ContractAsync(factory);
        await SendSampleAsync(factory);

        var exchanges = ApiTraffic.Snapshot();
        var violations = exchanges.SelectMany(contract.Violations).Distinct().ToList();

        Assert.True(violations.Count == 0, $"{violations.Count} of {exchanges.Count} recorded exchanges break the OpenAPI document:\n" + string.Join('\n', violations.Take(40)));
        foreach (var path in new[] { NotificationEndpoints.ExpiryRemindersPath, OrderEndpoints.PaidPath, OrderEndpoints.RefundedPath, RrrWebhookEndpoints.Path, "/health/live", "/health/ready", HistoryExportEndpoints.ExportPath })
        {
            Assert.Contains(exchanges, e => e.Path == path);
        }
    }

    [Fact]
    public async Task An_undocumented_status_or_property_is_a_violation()
    {
        using var portal = new PortalFactory();
        var contract = await ContractAsync(portal);
        var accepted = """{"order_number":"o1","kind":"PAID","status":"PENDING","earn_event_id":null,"points":null,"result_status":null,"accepted_at":"2026-01-01T00:00:00+00:00"}""";

        Assert.Empty(contract.Violations(Exchange(OrderEndpoints.PaidPath, 202, "application/json", accepted)));
        Assert.Contains(contract.Violations(Exchange(OrderEndpoints.PaidPath, 418, "application/problem+json", """{"title":"teapot"}""")), v => v.Contains("status 418 is not documented", StringComparison.Ordinal));
        Assert.Contains(contract.Violations(Exchange(OrderEndpoints.PaidPath, 202, "application/json", accepted.Replace("\"kind\"", "\"order_kind\"", StringComparison.Ordinal))), v => v.Contains("'order_kind'", StringComparison.Ordinal));
        Assert.Contains(contract.Violations(Exchange(OrderEndpoints.PaidPath, 202, "text/html", "<p>")), v => v.Contains("media type text/html", StringComparison.Ordinal));
        Assert.Contains(contract.Violations(Exchange("/internal/orders/cancelled", 202, null, "")), v => v.Contains("not in the OpenAPI document", StringComparison.Ordinal));
        Assert.Contains(contract.Violations(Exchange(RrrWebhookEndpoints.Path, 202, null, "", headers: ["webhook-id"])), v => v.Contains("required header webhook-timestamp", StringComparison.Ordinal));
    }

    private static ApiExchange Exchange(string path, int status, string? contentType, string body, string[]? headers = null) =>
        new("POST", path, headers ?? ["webhook-id", "webhook-timestamp", "webhook-signature", "x-internal-key"], null, [], status, contentType, Encoding.UTF8.GetBytes(body), "synthetic");

    private static async Task<OpenApiContract> ContractAsync(WebApplicationFactory<Program> factory)
    {
        using var client = factory.CreateClient();
        return OpenApiContract.Parse(await client.GetStringAsync(new Uri(OpenApiHosting.DocumentPath, UriKind.Relative), Ct));
    }

    private static async Task SendSampleAsync(WebApplicationFactory<Program> factory)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(InternalApiKeyHandler.HeaderName, Key);
        using var anonymous = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var order = "xcn_o_" + Guid.NewGuid().ToString("N")[..12];
        var paid = new { order_number = order, xcn_user_id = "xcn_u_1001", product = "TOKENS", amount = "12.50", currency = "USD", paid_at = "2025-03-01T12:00:00Z" };
        var refunded = new { order_number = order, xcn_user_id = "xcn_u_1001", product = "TOKENS", refunded_at = "2025-03-02T12:00:00Z" };
        var membership = new
        {
            order_number = order + "_m", xcn_user_id = "xcn_u_1001", product = "MEMBERSHIP", amount = "99.00", currency = "USD",
            paid_at = "2025-03-01T12:00:00Z", membership_plan = "yearly",
        };
        var statuses = new List<HttpStatusCode>
        {
            await StatusAsync(client.PostAsJsonAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), paid, Ct)),
            await StatusAsync(client.PostAsJsonAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), paid, Ct)),
            await StatusAsync(client.PostAsJsonAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), paid with { amount = "13.50" }, Ct)),
            await StatusAsync(client.PostAsJsonAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), new { order_number = "" }, Ct)),
            await StatusAsync(client.PostAsJsonAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), membership, Ct)),
            await StatusAsync(client.PostAsJsonAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), membership with { order_number = order + "_w", membership_plan = "weekly" }, Ct)),
            await StatusAsync(client.PostAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), new StringContent("{", Encoding.UTF8, "application/json"), Ct)),
            await StatusAsync(client.PostAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), new StringContent("x", Encoding.UTF8, "text/plain"), Ct)),
            await StatusAsync(anonymous.PostAsJsonAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), paid, Ct)),
            await StatusAsync(client.PostAsJsonAsync(new Uri(OrderEndpoints.RefundedPath, UriKind.Relative), refunded, Ct)),
            await StatusAsync(anonymous.PostAsync(new Uri(RrrWebhookEndpoints.Path, UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"), Ct)),
            await StatusAsync(anonymous.GetAsync(new Uri("/health/live", UriKind.Relative), Ct)),
            await StatusAsync(anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct)),
            await StatusAsync(client.PostAsync(new Uri(NotificationEndpoints.ExpiryRemindersPath, UriKind.Relative), null, Ct)),
            await StatusAsync(anonymous.PostAsync(new Uri(NotificationEndpoints.ExpiryRemindersPath, UriKind.Relative), null, Ct)),
            await StatusAsync(anonymous.GetAsync(new Uri(HistoryExportEndpoints.ExportPath, UriKind.Relative), Ct)),
        };

        // Sanity: the sample reached the endpoints (not a 404 or a sign-in redirect), except the member export, which an
        // anonymous caller is sent to sign in from (its signed-in answers come from HistoryExportTests).
        Assert.DoesNotContain(statuses[..^1], s => s is HttpStatusCode.NotFound or HttpStatusCode.Redirect or HttpStatusCode.InternalServerError);
        Assert.Equal(HttpStatusCode.Redirect, statuses[^1]);
        using var signed = new HttpRequestMessage(HttpMethod.Post, RrrWebhookEndpoints.Path);
        var id = "evt_contract_" + Guid.NewGuid().ToString("N")[..8];
        var body = "{\"id\":\"" + id + "\",\"type\":\"LINK_REVOKED\",\"created_at\":\"2026-01-01T00:00:00Z\",\"data\":{\"resource_type\":\"link\",\"resource_id\":\"rrr_m_1\",\"version\":1}}";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        signed.Content = new StringContent(body, Encoding.UTF8, "application/json");
        signed.Headers.Add("webhook-id", id);
        signed.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        signed.Headers.Add("webhook-signature", WebhookPortal.Sign(WebhookPortal.SpecSecret, id, timestamp, body));
        using var answer = await anonymous.SendAsync(signed, Ct);
        Assert.True(answer.IsSuccessStatusCode || answer.StatusCode == HttpStatusCode.BadRequest, $"signed webhook answered {(int)answer.StatusCode}");
    }

    private static async Task<HttpStatusCode> StatusAsync(Task<HttpResponseMessage> send)
    {
        using var response = await send;
        return response.StatusCode;
    }
}
