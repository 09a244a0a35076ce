using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Core.Features.Earn;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Earn;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Earn;

/// <summary>ORDER_PAID's membership plan on the real pipeline: required for memberships, refused for tokens, mapped to a tier at intake.</summary>
public sealed class MembershipPlanEndpointTests : IClassFixture<PortalFactory>, IDisposable
{
    private const string Key = "test-internal-key-0123456789abcdef";

    private readonly WebApplicationFactory<Program> factory;

    public MembershipPlanEndpointTests(PortalFactory portal)
    {
        factory = portal.WithWebHostBuilder(b =>
        {
            b.UseSetting("Internal:ApiKeys:0", Key);
            b.UseSetting("Earn:DispatcherEnabled", "false");
            b.UseSetting("Earn:MembershipTiers:quarterly", "GOLD");
        });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => factory.Dispose();

    private IEarnOutbox Outbox => factory.Services.GetRequiredService<IEarnOutbox>();

    private static string NewOrder() => "xcn_o_" + Guid.NewGuid().ToString("N")[..12];

    private static Dictionary<string, object?> Body(string order, string product = "MEMBERSHIP", string? plan = "yearly")
    {
        var body = new Dictionary<string, object?>
        {
            ["order_number"] = order,
            ["xcn_user_id"] = "xcn_u_1001",
            ["product"] = product,
            ["amount"] = "99.00",
            ["currency"] = "USD",
            ["paid_at"] = "2026-12-01T12:00:00Z",
        };
        if (plan is not null)
        {
            body["membership_plan"] = plan;
        }

        return body;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(Dictionary<string, object?> body)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(InternalApiKeyHandler.HeaderName, Key);
        using var response = await client.PostAsJsonAsync(new Uri(OrderEndpoints.PaidPath, UriKind.Relative), body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private Task<OutboxRow?> RowAsync(string order) => Outbox.GetAsync(new OutboxKey(order, OrderEventKind.Paid), Ct);

    [Theory]
    [InlineData("yearly", "PREMIUM")]
    [InlineData("monthly", "BASIC")]
    [InlineData("quarterly", "GOLD")]
    public async Task AMembershipWithAKnownPlan_IsAccepted_WithItsTierStoredNextToThePlan(string plan, string tier)
    {
        var order = NewOrder();

        var (status, _) = await PostAsync(Body(order, plan: plan));

        Assert.Equal(HttpStatusCode.Accepted, status);
        var row = await RowAsync(order);
        Assert.Equal((plan, tier), (row!.Order.MembershipPlan, row.Order.Tier));
    }

    [Fact]
    public async Task AnUnknownPlan_Is422UnknownPlan_NamingTheField_AndStoresNothing()
    {
        var order = NewOrder();

        var (status, body) = await PostAsync(Body(order, plan: "weekly"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("unknown_plan", body.GetProperty("code").GetString());
        var message = Assert.Single(body.GetProperty("errors").GetProperty("membership_plan").EnumerateArray()).GetString();
        Assert.Equal("membership_plan must be one of: monthly, quarterly, yearly.", message);
        Assert.Null(await RowAsync(order));
    }

    [Fact]
    public async Task AMembershipWithoutAPlan_IsAValidationProblemOnTheField_AndStoresNothing()
    {
        var order = NewOrder();

        var (status, body) = await PostAsync(Body(order, plan: null));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty("membership_plan", out _));
        Assert.Null(await RowAsync(order));
    }

    [Theory]
    [InlineData("MEMBERSHIP", "month ly")]
    [InlineData("MEMBERSHIP", "")]
    [InlineData("TOKENS", "monthly")]
    public async Task ABadlyFormedPlan_OrAPlanOnTokens_IsAValidationProblemOnTheField(string product, string plan)
    {
        var order = NewOrder();

        var (status, body) = await PostAsync(Body(order, product, plan));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["membership_plan"], body.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Null(await RowAsync(order));
    }

    [Fact]
    public async Task TheSameOrderWithAnotherPlan_IsAConflict_AndWithTheSamePlanARepeat()
    {
        var order = NewOrder();
        await PostAsync(Body(order, plan: "monthly"));

        var (repeat, _) = await PostAsync(Body(order, plan: "monthly"));
        var (conflict, body) = await PostAsync(Body(order, plan: "yearly"));

        Assert.Equal(HttpStatusCode.OK, repeat);
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Equal("order_conflict", body.GetProperty("code").GetString());
        Assert.Equal("BASIC", (await RowAsync(order))!.Order.Tier);
    }
}
