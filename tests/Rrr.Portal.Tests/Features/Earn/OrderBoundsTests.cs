using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Core.Features.Earn;
using Rrr.Portal.Features.Earn;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Earn;

/// <summary>The internal order endpoints refuse, with a problem, what could never be posted or should never be buffered.</summary>
public sealed class OrderBoundsTests : IClassFixture<PortalFactory>, IDisposable
{
    private const string Key = "test-internal-key-0123456789abcdef";

    private readonly WebApplicationFactory<Program> factory;

    public OrderBoundsTests(PortalFactory portal)
    {
        factory = portal.WithWebHostBuilder(b =>
        {
            b.UseSetting("Internal:ApiKeys:0", Key);
            b.UseSetting("Earn:DispatcherEnabled", "false");
        });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => factory.Dispose();

    private HttpClient Client(string key = Key)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.TryAddWithoutValidation(InternalApiKeyHandler.HeaderName, key);
        return client;
    }

    private static Dictionary<string, object> Paid(string order, string user = "xcn_u_1001") => new()
    {
        ["order_number"] = order,
        ["xcn_user_id"] = user,
        ["product"] = "TOKENS",
        ["amount"] = "12.50",
        ["currency"] = "USD",
        ["paid_at"] = "2025-03-01T12:00:00Z",
    };

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        if (field is not null)
        {
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
        }
    }

    [Fact]
    public async Task OrderNumber_WithATrailingNewline_Is400_AndNothingIsQueued()
    {
        const string ending = "\n";
        var order = "xcn_o_" + Guid.NewGuid().ToString("N")[..12];
        using var client = Client();

        var response = await client.PostAsJsonAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), Paid(order + ending), Ct);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "order_number");
        Assert.Null(await factory.Services.GetRequiredService<IEarnOutbox>().GetAsync(new OutboxKey(order + ending, OrderEventKind.Paid), Ct));
    }

    [Fact]
    public async Task XcnUserId_WithATrailingNewline_Is400()
    {
        using var client = Client();

        var response = await client.PostAsJsonAsync(
            new Uri(OrderEndpoints.RefundedPath, UriKind.Relative),
            new { order_number = "xcn_o_nl_refund", xcn_user_id = "xcn_u_1001\n", product = "TOKENS", refunded_at = "2025-03-01T12:00:00Z" },
            Ct);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "xcn_user_id");
    }

    [Fact]
    public async Task Body_LargerThanTheBound_Is413_EvenWhenItsFieldsAreValid()
    {
        // Unknown members are ignored by the JSON reader: before the bound, this was buffered whole and accepted.
        var body = Paid("xcn_o_" + Guid.NewGuid().ToString("N")[..12]);
        body["padding"] = new string('x', OrderRules.MaxBodyBytes);
        using var client = Client();

        var response = await client.PostAsJsonAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), body, Ct);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Body_LargerThanTheBound_WithoutContentLength_Is413()
    {
        var body = JsonSerializer.Serialize(Paid("xcn_o_chunked")).Replace("}", ",\"padding\":\"" + new string('x', OrderRules.MaxBodyBytes) + "\"}", StringComparison.Ordinal);
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("application/json");
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, OrderEndpoints.PaidPath) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await client.SendAsync(request, Ct);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task InternalKey_LongerThanTheBound_IsRefusedLikeAWrongKey()
    {
        using var client = Client(Key + new string('k', InternalApiKeyHandler.MaxKeyLength));

        var response = await client.PostAsJsonAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), Paid("xcn_o_longkey"), Ct);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Body_WithinTheBound_IsStillAccepted()
    {
        using var client = Client();

        var response = await client.PostAsJsonAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), Paid("xcn_o_" + Guid.NewGuid().ToString("N")[..12]), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
