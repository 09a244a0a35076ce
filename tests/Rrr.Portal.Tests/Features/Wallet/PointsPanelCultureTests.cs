using System.Security.Claims;
using System.Text.RegularExpressions;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core;
using Rrr.Core.Features;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Members;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Wallet;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Wallet;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Wallet;

/// <summary>The points panel in the member's language: texts from the resources, numbers and dates in the culture.</summary>
public sealed partial class PointsPanelCultureTests : PortalComponentTest
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempSqliteStore db = new();
    private readonly FakeLinksApi links = new();
    private readonly FakeWalletApi wallets = new();

    public PointsPanelCultureTests()
    {
        links.Links["xcn_u_1001"] = FakeLinksApi.Linked("xcn_u_1001", "rrr_m_1001");
        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 1250, 7, T0, pending: 40, escrow: 15,
            new ExpiringPoints(2500, T0.AddDays(20))) with { Tier = "PREMIUM" };

        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FeatureManagement:PointsPanel"] = "true",
            ["FeatureManagement:AccountLinking"] = "true",
        }).Build());
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(T0));
        Services.AddSingleton<IRrrLinksApi>(links);
        Services.AddSingleton<IRrrWalletApi>(wallets);
        Services.AddSingleton<IWalletSnapshotStore>(db.Store.Wallets);
        Services.AddSingleton<ILinkSnapshotStore>(db.Store.Links);
        Services.AddSingleton<IOpenLinkIntentStore>(db.Store.Intents);
        Services.AddSingleton<IPortalEvents>(new PortalEvents(NullLogger<PortalEvents>.Instance));
        Services.AddLogging();
        Services.AddPortalMembers().AddRrrMembers();
        Services.AddSingleton<WalletSync>();

        var identity = new ClaimsIdentity("test", "name", "role");
        identity.AddClaim(new Claim("name", "Member xcn_u_1001"));
        identity.AddClaim(new Claim("sub", "xcn_u_1001"));
        identity.AddClaim(new Claim("role", PortalRoles.Member));
        SignInAs(new ClaimsPrincipal(identity));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            db.Dispose();
        }

        base.Dispose(disposing);
    }

    [Fact]
    public void InSpanish_LabelsNumbersAndDates_AreSpanish()
    {
        UseCulture("es");

        var cut = Render<PointsPanel>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=points-available]")));
        Assert.Equal("Tus puntos", cut.Find("h2").TextContent.Trim());
        Assert.Equal("Puntos disponibles 1.250 Listos para canjear ya", Text(cut, "points-available"));
        Assert.Equal("Pendientes 40 Se abonan tras el periodo de retención", Text(cut, "points-pending"));
        Assert.Equal("En depósito 15 Reservados para una compra", Text(cut, "points-escrow"));
        Assert.Equal("1250", cut.Find("[data-testid=points-available]").GetAttribute("data-value"));
        Assert.Contains("Caducan pronto", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("2.500 puntos caducan el 21 dic 2026 (dentro de 20 días)", Text(cut, "expiring-item"));
        Assert.Equal("Actualizado a las 12:00 UTC (justo ahora)", Text(cut, "as-of"));
        Assert.Equal("Miembro PREMIUM", Text(cut, "panel-tier"));
        Assert.Equal("Actualizar puntos", cut.Find("[aria-label=\"Actualizar puntos\"]").GetAttribute("aria-label"));
    }

    [Fact]
    public void InEnglish_LabelsNumbersAndDates_AreEnglish()
    {
        UseCulture(LocalizationHosting.English);

        var cut = Render<PointsPanel>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=points-available]")));
        Assert.Equal("Your points", cut.Find("h2").TextContent.Trim());
        Assert.Equal("Available 1,250 Yours to redeem now", Text(cut, "points-available"));
        Assert.Equal("In escrow 15 Held for a checkout", Text(cut, "points-escrow"));
        Assert.Equal("2,500 points expire 21 Dec 2026 (in 20 days)", Text(cut, "expiring-item"));
        Assert.Equal("PREMIUM member", Text(cut, "panel-tier"));
    }

    [Fact]
    public void InSpanish_RrrDown_SaysSoInSpanish()
    {
        UseCulture("es");
        links.Down = true;

        var cut = Render<PointsPanel>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=rrr-unavailable]")));
        Assert.Equal("RedRoomRewards no está disponible temporalmente y aún no hay ninguna respuesta anterior que mostrar. Reintentando automáticamente.",
            Text(cut, "rrr-unavailable"));
    }

    private static string Text(IRenderedComponent<PointsPanel> cut, string testId) =>
        Spaces().Replace(cut.Find($"[data-testid={testId}]").TextContent, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
