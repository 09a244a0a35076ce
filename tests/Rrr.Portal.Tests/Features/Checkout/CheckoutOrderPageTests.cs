using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rrr.Core.Features.Checkout;
using Rrr.Core.Features.Earn;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Redemptions;
using Rrr.Core.Rrr.Topups;
using Rrr.Core.Rrr.Wallet;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Checkout;
using Rrr.Portal.Features.Members;
using Rrr.Portal.Tests.Features.Wallet;
using Rrr.Portal.Tests.Support;
using Rrr.Core;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Tests.Features.Checkout;

/// <summary>The order page over the real checkout and member services, a real SQLite store and fakes of RRR and payments.</summary>
public sealed class CheckoutOrderPageTests : PortalComponentTest
{
    private readonly CheckoutHarness h = new();
    private readonly FakeWalletApi wallets = new();

    public CheckoutOrderPageTests()
    {
        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 1250, 1, CheckoutHarness.T0);
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FeatureManagement:Checkout"] = "true",
            ["FeatureManagement:AccountLinking"] = "true",
        }).Build());
        Services.AddSingleton<TimeProvider>(h.Time);
        Services.AddSingleton<IRrrLinksApi>(h.Links);
        Services.AddSingleton<IRrrWalletApi>(wallets);
        Services.AddSingleton<IWalletSnapshotStore>(h.Store.Wallets);
        Services.AddSingleton<ILinkSnapshotStore>(h.Store.Links);
        Services.AddSingleton<ICheckoutOrderStore>(h.Store.Orders);
        Services.AddSingleton<IRrrRedemptionsApi>(h.Rrr);
        Services.AddSingleton<IRrrTopupsApi>(h.Rrr);
        Services.AddSingleton<IXcnPaymentGateway>(h.Payments);
        Services.AddSingleton(h.Intake);
        Services.AddSingleton(h.Locks);
        Services.AddSingleton(new RrrCircuitState());
        Services.AddSingleton(Options.Create(h.Options));
        Services.AddScoped<CheckoutService>();
        Services.AddSingleton<CheckoutAvailability>();
        Services.AddLogging();
        Services.AddPortalMembers().AddRrrMembers();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            h.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private void SignInMember(string sub)
    {
        var identity = new ClaimsIdentity("test", "name", "role");
        identity.AddClaim(new Claim("sub", sub));
        identity.AddClaim(new Claim("role", PortalRoles.Member));
        SignInAs(new ClaimsPrincipal(identity));
    }

    private async Task<IRenderedComponent<CheckoutOrderPage>> OpenAsync(string owner, string viewer, string pack = "starter")
    {
        var order = await h.For(owner).StartAsync(pack, Xunit.TestContext.Current.CancellationToken);
        SignInMember(viewer);
        return Render<CheckoutOrderPage>(p => p.Add(c => c.OrderNumber, order.OrderNumber));
    }

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<CheckoutOrderPage> cut, string text) =>
        cut.FindAll("button").First(b => b.TextContent.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task UsePoints_HoldCountsDown_ThenPayShowsTheResultAndNewBalance()
    {
        var cut = await OpenAsync("xcn_u_1001", "xcn_u_1001");
        cut.WaitForAssertion(() => Assert.Contains("1,250 points", cut.Find("[data-testid=available-points]").TextContent, StringComparison.Ordinal));

        Button(cut, "Hold 1,000 points").Click();
        cut.WaitForAssertion(() => Assert.Equal("15:00", cut.Find("[data-testid=hold-countdown]").TextContent));
        Assert.Contains("−$10.00", cut.Find("[data-testid=summary-points]").TextContent, StringComparison.Ordinal);
        Assert.Equal("$0.99", cut.Find("[data-testid=summary-due]").TextContent);

        h.Time.Advance(TimeSpan.FromSeconds(61));
        cut.WaitForAssertion(() => Assert.Equal("13:59", cut.Find("[data-testid=hold-countdown]").TextContent));

        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 250, 2, CheckoutHarness.T0);
        Button(cut, "Pay $0.99").Click();

        cut.WaitForAssertion(() => Assert.Contains("1,000 points redeemed", cut.Find("[data-testid=result-success]").TextContent, StringComparison.Ordinal));
        Assert.Contains("250 points", cut.Find("[data-testid=new-balance]").TextContent, StringComparison.Ordinal);
        Assert.Equal(1, h.Rrr.Count("commit"));
    }

    [Fact]
    public async Task InSpanish_PointsAndMoney_ReadAsASpanishReaderWritesThem()
    {
        UseCulture("es");
        var cut = await OpenAsync("xcn_u_1001", "xcn_u_1001");
        cut.WaitForAssertion(() => Assert.Equal("Tienes 1.250 puntos disponibles.", cut.Find("[data-testid=available-points]").TextContent.Trim()));
        Assert.Equal("Finalizar compra", cut.Find("h1").TextContent.Trim());
        Assert.Equal("Abierto", cut.Find("[data-testid=order-status]").TextContent.Trim());

        Button(cut, "Reservar 1.000 puntos").Click();

        cut.WaitForAssertion(() => Assert.Contains("1.000 puntos reservados", cut.Find("[data-testid=points-held]").TextContent, StringComparison.Ordinal));
        Assert.Contains("en depósito para este pedido (−10,00 US$).", cut.Find("[data-testid=points-held]").TextContent, StringComparison.Ordinal);
        Assert.Equal("15:00", cut.Find("[data-testid=hold-countdown]").TextContent);
        Assert.Equal("Puntos reservados", cut.Find("[data-testid=order-status]").TextContent.Trim());
        Assert.Contains("−10,00 US$", cut.Find("[data-testid=summary-points]").TextContent, StringComparison.Ordinal);
        Assert.Equal("0,99 US$", cut.Find("[data-testid=summary-due]").TextContent);

        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 1250, 2, CheckoutHarness.T0);
        Button(cut, "Pagar 0,99 US$").Click();

        cut.WaitForAssertion(() => Assert.Contains("1.000 puntos canjeados.", cut.Find("[data-testid=result-success]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Pago aprobado: los 100 tokens son tuyos.", cut.Find("[data-testid=result-success]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Tu saldo: 1.250 puntos disponibles.", cut.Find("[data-testid=new-balance]").TextContent.Trim());
    }

    [Fact]
    public async Task WhileAStepRuns_EveryButtonIsDisabled()
    {
        var cut = await OpenAsync("xcn_u_1001", "xcn_u_1001");
        cut.WaitForElement("[data-testid=available-points]");
        h.Rrr.Gate = new TaskCompletionSource();

        Button(cut, "Hold").Click();

        cut.WaitForAssertion(() => Assert.True(Button(cut, "Pay").HasAttribute("disabled")));
        Assert.True(Button(cut, "Hold").HasAttribute("disabled"));
        Assert.True(Button(cut, "Cancel order").HasAttribute("disabled"));

        h.Rrr.Gate.SetResult();
        cut.WaitForElement("[data-testid=points-held]");
        Assert.False(Button(cut, "Pay").HasAttribute("disabled"));
        Assert.Equal(1, h.Rrr.Count("quote"));
    }

    [Fact]
    public async Task DeclinedCard_ReversesTheHold_AndSaysNothingWasTaken()
    {
        var cut = await OpenAsync("xcn_u_1001", "xcn_u_1001");
        cut.WaitForElement("[data-testid=available-points]");
        Button(cut, "Hold").Click();
        cut.WaitForElement("[data-testid=points-held]");

        cut.FindAll("input[type=radio]").Single(r => r.Closest(".mud-radio")!.TextContent.Contains("declines", StringComparison.Ordinal)).Click();
        cut.WaitForAssertion(() => Assert.True(cut.FindAll("input[type=radio]")
            .Single(r => r.Closest(".mud-radio")!.TextContent.Contains("declines", StringComparison.Ordinal)).HasAttribute("checked")));
        Button(cut, "Pay").Click();

        cut.WaitForAssertion(() => Assert.Contains("nothing was taken", cut.Find("[data-testid=result-declined]").TextContent, StringComparison.Ordinal));
        Assert.Equal(1250, h.Rrr.Available["rrr_m_1001"]);
        Assert.Equal(0, h.Rrr.Count("commit"));
    }

    [Fact]
    public async Task ExpiredHold_IsReported_AndPointsCanBeHeldAgain()
    {
        var cut = await OpenAsync("xcn_u_1001", "xcn_u_1001");
        cut.WaitForElement("[data-testid=available-points]");
        Button(cut, "Hold").Click();
        cut.WaitForElement("[data-testid=points-held]");
        h.Rrr.Expire(h.Rrr.Quotes.Keys.Single());

        h.Time.Advance(TimeSpan.FromMinutes(15));

        cut.WaitForAssertion(() => Assert.Contains("hold expired, nothing was taken", cut.Find("[data-testid=checkout-notice]").TextContent, StringComparison.Ordinal));
        cut.WaitForElement("[data-testid=available-points]");
        Assert.Empty(cut.FindAll("[data-testid=points-held]"));
    }

    [Fact]
    public async Task SomeoneElsesOrder_IsNotFound()
    {
        var cut = await OpenAsync("xcn_u_1001", "xcn_u_1003");

        cut.WaitForElement("[data-testid=order-not-found]");
        Assert.Empty(cut.FindAll("[data-testid=order-summary]"));
        Assert.Empty(cut.FindAll("[data-testid=pay]"));
    }

    [Fact]
    public async Task ShortMember_IsOfferedATopup()
    {
        var cut = await OpenAsync("xcn_u_1003", "xcn_u_1003");

        cut.WaitForAssertion(() => Assert.Contains("20 points short of redeeming 100 points", cut.Find("[data-testid=topup-offer]").TextContent, StringComparison.Ordinal));
        Assert.NotNull(Button(cut, "100 points · $3.00"));
    }

    [Fact]
    public async Task UnlinkedMember_CanPayWithoutPoints_AndIsOfferedLinking()
    {
        h.Links.Links["xcn_u_1002"] = FakeLinksApi.NotLinked("xcn_u_1002");
        var cut = await OpenAsync("xcn_u_1002", "xcn_u_1002", "taster");

        cut.WaitForElement("[data-testid=not-linked]");
        Button(cut, "Pay $1.49").Click();

        cut.WaitForElement("[data-testid=result-success]");
        Assert.Empty(cut.FindAll("[data-testid=new-balance]"));
    }

    [Fact]
    public async Task RrrOutage_SaysNothingWasCharged_AndKeepsTheOrder()
    {
        var cut = await OpenAsync("xcn_u_1001", "xcn_u_1001");
        cut.WaitForElement("[data-testid=available-points]");
        h.Rrr.Down = true;

        Button(cut, "Hold").Click();

        cut.WaitForAssertion(() => Assert.Contains("temporarily unavailable, nothing was charged", cut.Find("[data-testid=checkout-notice]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Open", cut.Find("[data-testid=order-status]").TextContent.Trim());
        Assert.Equal(0, h.Payments.ChargeCount);
    }
}
