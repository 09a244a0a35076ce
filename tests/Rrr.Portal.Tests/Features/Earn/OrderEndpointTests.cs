using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Core.Features.Earn;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Earn;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Earn;

/// <summary>The internal order endpoints on the real pipeline (dispatcher off, so rows stay as accepted).</summary>
public sealed class OrderEndpointTests : IClassFixture<PortalFactory>, IDisposable
{
    private const string Key = "test-internal-key-0123456789abcdef";
    private const string RotatedKey = "test-internal-key-rotated-0123456789";

    private readonly WebApplicationFactory<Program> factory;

    public OrderEndpointTests(PortalFactory portal)
    {
        factory = portal.WithWebHostBuilder(b =>
        {
            b.UseSetting("Internal:ApiKeys:0", Key);
            b.UseSetting("Internal:ApiKeys:1", RotatedKey);
            b.UseSetting("Earn:DispatcherEnabled", "false");
        });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => factory.Dispose();

    private HttpClient Client(string? key = Key, string? roles = null)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(InternalApiKeyHandler.HeaderName, key);
        }

        if (roles is not null)
        {
            client.DefaultRequestHeaders.Add(PortalFactory.RolesHeader, roles);
        }

        return client;
    }

    private static string NewOrder() => "xcn_o_" + Guid.NewGuid().ToString("N")[..12];

    private static object PaidBody(string order, object? amount = null, string currency = "USD", string product = "TOKENS") => new
    {
        order_number = order,
        xcn_user_id = "xcn_u_1001",
        product,
        amount = amount ?? "12.50",
        currency,
        paid_at = "2025-03-01T12:00:00Z",
    };

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Ct);

    private IEarnOutbox Outbox => factory.Services.GetRequiredService<IEarnOutbox>();

    [Fact]
    public async Task Paid_WithAValidKey_Is202_AndTheOrderIsInTheOutboxBeforeTheAnswer()
    {
        var order = NewOrder();

        var response = await PostAsync(Client(), OrderEndpoints.PaidPath, PaidBody(order));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(order, body.RootElement.GetProperty("order_number").GetString());
        Assert.Equal("PAID", body.RootElement.GetProperty("kind").GetString());
        Assert.Equal("PENDING", body.RootElement.GetProperty("status").GetString());
        var row = await Outbox.GetAsync(new OutboxKey(order, OrderEventKind.Paid), Ct);
        Assert.NotNull(row);
        Assert.Equal((12.50m, "USD", "xcn_u_1001"), (row.Order.Amount!.Amount, row.Order.Amount.Currency, row.Order.XcnUserId));
    }

    [Fact]
    public async Task Paid_SameOrderTwice_Is200WithTheSameOutcome_AndOneRow()
    {
        var order = NewOrder();
        using var client = Client();
        var first = await PostAsync(client, OrderEndpoints.PaidPath, PaidBody(order));
        var before = (await Outbox.CountByStatusAsync(Ct)).Values.Sum();

        var second = await PostAsync(client, OrderEndpoints.PaidPath, PaidBody(order, amount: 12.50m));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await second.Content.ReadAsStringAsync(Ct));
        Assert.Equal(before, (await Outbox.CountByStatusAsync(Ct)).Values.Sum());
    }

    [Fact]
    public async Task Paid_SameOrderNumberWithOtherFacts_Is409()
    {
        var order = NewOrder();
        using var client = Client();
        await PostAsync(client, OrderEndpoints.PaidPath, PaidBody(order));

        var response = await PostAsync(client, OrderEndpoints.PaidPath, PaidBody(order, amount: "99.00"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("order_conflict", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(12.50m, (await Outbox.GetAsync(new OutboxKey(order, OrderEventKind.Paid), Ct))!.Order.Amount!.Amount);
    }

    [Fact]
    public async Task Paid_ManyAtOnce_AreAllStored_EachOnce()
    {
        using var client = Client();
        var orders = Enumerable.Range(0, 40).Select(_ => NewOrder()).ToList();

        var responses = await Task.WhenAll(orders.Concat(orders).Select(o => PostAsync(client, OrderEndpoints.PaidPath, PaidBody(o))));

        Assert.Equal(40, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(40, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var order in orders)
        {
            Assert.NotNull(await Outbox.GetAsync(new OutboxKey(order, OrderEventKind.Paid), Ct));
        }
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("wrong-key", null)]
    [InlineData(null, PortalRoles.Member)]
    [InlineData(null, PortalRoles.Admin)]
    [InlineData("wrong-key", PortalRoles.Admin)]
    public async Task Paid_WithoutAValidKey_Is401_WhateverElseTheCallerIs(string? key, string? roles)
    {
        var order = NewOrder();

        var response = await PostAsync(Client(key, roles), OrderEndpoints.PaidPath, PaidBody(order));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(await Outbox.GetAsync(new OutboxKey(order, OrderEventKind.Paid), Ct));
    }

    [Fact]
    public async Task Paid_WithTheRotatedKey_IsAccepted()
    {
        var response = await PostAsync(Client(RotatedKey), OrderEndpoints.PaidPath, PaidBody(NewOrder()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Paid_WithAJsonNumberAmount_KeepsItExactly()
    {
        var order = NewOrder();

        var response = await PostAsync(Client(), OrderEndpoints.PaidPath, PaidBody(order, amount: 7.5m));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(7.5m, (await Outbox.GetAsync(new OutboxKey(order, OrderEventKind.Paid), Ct))!.Order.Amount!.Amount);
    }

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { """{"xcn_user_id":"xcn_u_1001","product":"TOKENS","amount":"1.00","currency":"USD","paid_at":"2025-03-01T12:00:00Z"}""", "order_number" },
        { """{"order_number":"o 1","xcn_user_id":"xcn_u_1001","product":"TOKENS","amount":"1.00","currency":"USD","paid_at":"2025-03-01T12:00:00Z"}""", "order_number" },
        { """{"order_number":"o1","product":"TOKENS","amount":"1.00","currency":"USD","paid_at":"2025-03-01T12:00:00Z"}""", "xcn_user_id" },
        { """{"order_number":"o1","xcn_user_id":"xcn_u_1001","product":"GIFT","amount":"1.00","currency":"USD","paid_at":"2025-03-01T12:00:00Z"}""", "product" },
        { """{"order_number":"o1","xcn_user_id":"xcn_u_1001","product":"TOKENS","amount":"1.005","currency":"USD","paid_at":"2025-03-01T12:00:00Z"}""", "amount" },
        { """{"order_number":"o1","xcn_user_id":"xcn_u_1001","product":"TOKENS","amount":"0","currency":"USD","paid_at":"2025-03-01T12:00:00Z"}""", "amount" },
        { """{"order_number":"o1","xcn_user_id":"xcn_u_1001","product":"TOKENS","amount":"-3.00","currency":"USD","paid_at":"2025-03-01T12:00:00Z"}""", "amount" },
        { """{"order_number":"o1","xcn_user_id":"xcn_u_1001","product":"TOKENS","amount":"abc","currency":"USD","paid_at":"2025-03-01T12:00:00Z"}""", "amount" },
        { """{"order_number":"o1","xcn_user_id":"xcn_u_1001","product":"TOKENS","amount":"1.00","currency":"EUR","paid_at":"2025-03-01T12:00:00Z"}""", "currency" },
        { """{"order_number":"o1","xcn_user_id":"xcn_u_1001","product":"TOKENS","amount":"1.00","currency":"USD","paid_at":"yesterday"}""", "paid_at" },
        { """{"order_number":"o1","xcn_user_id":"xcn_u_1001","product":"TOKENS","amount":"1.00","currency":"USD","paid_at":"2999-01-01T00:00:00Z"}""", "paid_at" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Paid_WithABadField_IsAValidationProblemNamingIt(string json, string field)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        var response = await Client().PostAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("validation_failed", problem.RootElement.GetProperty("code").GetString());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors has no '{field}': {errors}");
    }

    [Theory]
    [InlineData(null, "currency must be USD.")]
    [InlineData("es-ES,es;q=0.9", "currency debe ser USD.")]
    public async Task Paid_ValidationMessages_FollowTheRequestsLanguage_EnglishByDefault(string? acceptLanguage, string message)
    {
        using var content = new StringContent(
            """{"order_number":"o1","xcn_user_id":"xcn_u_1001","product":"TOKENS","amount":"1.00","currency":"EUR","paid_at":"2025-03-01T12:00:00Z"}""",
            Encoding.UTF8,
            "application/json");
        using var client = Client();
        if (acceptLanguage is not null)
        {
            client.DefaultRequestHeaders.Add("Accept-Language", acceptLanguage);
        }

        var response = await client.PostAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), content, Ct);

        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(message, problem.RootElement.GetProperty("errors").GetProperty("currency")[0].GetString());
    }

    [Fact]
    public async Task Paid_WithMalformedJson_Is400_WithoutEchoingTheBody()
    {
        using var content = new StringContent("{\"order_number\": \"secret-looking\", ", Encoding.UTF8, "application/json");

        var response = await Client().PostAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("secret-looking", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refunded_IsAcceptedAsItsOwnRow_NextToThePaidOne()
    {
        var order = NewOrder();
        using var client = Client();
        await PostAsync(client, OrderEndpoints.PaidPath, PaidBody(order));

        var response = await PostAsync(client, OrderEndpoints.RefundedPath,
            new { order_number = order, xcn_user_id = "xcn_u_1001", product = "TOKENS", refunded_at = "2025-03-02T12:00:00Z" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var refund = await Outbox.GetAsync(new OutboxKey(order, OrderEventKind.Refunded), Ct);
        Assert.NotNull(refund);
        Assert.Null(refund.Order.Amount);
        Assert.NotNull(await Outbox.GetAsync(new OutboxKey(order, OrderEventKind.Paid), Ct));
    }

    [Fact]
    public async Task Refunded_WithoutRefundedAt_IsAValidationProblem()
    {
        var response = await PostAsync(Client(), OrderEndpoints.RefundedPath, new { order_number = "o1", xcn_user_id = "xcn_u_1001", product = "TOKENS" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("refunded_at", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PaidAndRefunded_WhileAutomaticEarnIsOff_Are503WithAProblemAndRetryAfter_AndStoreNothing()
    {
        using var off = factory.WithWebHostBuilder(b => b.UseSetting("FeatureManagement:AutomaticEarn", "false"));
        using var client = off.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(InternalApiKeyHandler.HeaderName, Key);
        var order = NewOrder();

        var paid = await PostAsync(client, OrderEndpoints.PaidPath, PaidBody(order));
        var refunded = await PostAsync(client, OrderEndpoints.RefundedPath,
            new { order_number = order, xcn_user_id = "xcn_u_1001", product = "TOKENS", refunded_at = "2025-03-02T12:00:00Z" });

        foreach (var response in new[] { paid, refunded })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromMinutes(5), response.Headers.RetryAfter?.Delta);
            Assert.Contains("AutomaticEarn", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        var outbox = off.Services.GetRequiredService<IEarnOutbox>();
        Assert.Null(await outbox.GetAsync(new OutboxKey(order, OrderEventKind.Paid), Ct));
        Assert.Null(await outbox.GetAsync(new OutboxKey(order, OrderEventKind.Refunded), Ct));
    }

    [Fact]
    public async Task Paid_WhileAutomaticEarnIsOff_WithoutAKey_IsStill401()
    {
        using var off = factory.WithWebHostBuilder(b => b.UseSetting("FeatureManagement:AutomaticEarn", "false"));
        using var client = off.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await PostAsync(client, OrderEndpoints.PaidPath, PaidBody(NewOrder()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
