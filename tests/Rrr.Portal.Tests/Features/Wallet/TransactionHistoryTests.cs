using System.Globalization;
using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core;
using Rrr.Core.Features;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Wallet;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Wallet;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Wallet;

/// <summary>The history table with its filter over the real member services and a fake of RRR's wallet API.</summary>
public sealed class TransactionHistoryTests : PortalComponentTest
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 31, 12, 0, 0, TimeSpan.Zero);

    private readonly TempSqliteStore db = new();
    private readonly FakeLinksApi links = new();
    private readonly FakeWalletApi wallets = new();

    public TransactionHistoryTests()
    {
        links.Links["xcn_u_1001"] = FakeLinksApi.Linked("xcn_u_1001", "rrr_m_1001");
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(T0));
        Services.AddSingleton<IRrrLinksApi>(links);
        Services.AddSingleton<IRrrWalletApi>(wallets);
        Services.AddSingleton<IWalletSnapshotStore>(db.Store.Wallets);
        Services.AddSingleton<ILinkSnapshotStore>(db.Store.Links);
        Services.AddSingleton<IOpenLinkIntentStore>(db.Store.Intents);
        Services.AddSingleton<IPortalEvents>(new PortalEvents(NullLogger<PortalEvents>.Instance));
        Services.AddLogging();
        Services.AddPortalMembers().AddRrrMembers();
        var identity = new ClaimsIdentity("test", "name", "role");
        identity.AddClaim(new Claim("sub", "xcn_u_1001"));
        identity.AddClaim(new Claim("role", PortalRoles.Member));
        SignInAs(new ClaimsPrincipal(identity));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private static LedgerEntry Entry(int i, LedgerEntryType type, DateTimeOffset at) =>
        new("le_" + i.ToString(CultureInfo.InvariantCulture), type, 10, LedgerEntryStatus.Posted, at, "ref_" + i.ToString(CultureInfo.InvariantCulture), null);

    private static Task ApplyAsync(IRenderedComponent<TransactionHistory> cut, HistoryFilter filter) =>
        cut.InvokeAsync(() => cut.FindComponent<HistoryFilterBar>().Instance.OnApply.InvokeAsync(filter));

    private static List<string?> Kinds(IRenderedComponent<TransactionHistory> cut) =>
        [.. cut.FindAll("[data-testid=history-row]").Select(r => r.GetAttribute("data-kind"))];

    [Fact]
    public async Task Filtering_ToEarnedInADateRange_ShowsOnlyThoseRows_AndTheExportLinkCarriesTheFilter()
    {
        wallets.Ledgers["rrr_m_1001"] = [.. Enumerable.Range(0, 60).Select(i =>
            Entry(i, i % 3 == 0 ? LedgerEntryType.Earn : i % 3 == 1 ? LedgerEntryType.AwardCredit : LedgerEntryType.RedemptionCommit, T0.AddDays(-i)))];
        var cut = Render<TransactionHistory>();
        cut.WaitForAssertion(() => Assert.Equal(10, Kinds(cut).Count));

        await ApplyAsync(cut, new HistoryFilter([HistoryKind.Earned], new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31)));

        // Earns every third day back from 31 Mar, within March: 31, 28, ..., 1 Mar → 11 entries, 10 per screen page.
        cut.WaitForAssertion(() => Assert.Equal(10, Kinds(cut).Count));
        Assert.All(Kinds(cut), k => Assert.Equal("earned", k));
        cut.Find("[data-testid=history-more]").Click();
        cut.WaitForAssertion(() => Assert.Equal(11, Kinds(cut).Count));
        Assert.Empty(cut.FindAll("[data-testid=history-more]"));
        Assert.Equal("member/history.csv?kind=earned&from=2026-03-01&to=2026-03-31", cut.Find("[data-testid=history-export]").GetAttribute("href"));
    }

    [Fact]
    public async Task ARareKind_FarBack_SaysHowFarItSearched_AndSearchesFurtherOnRequest()
    {
        var ledger = Enumerable.Range(0, 700).Select(i => Entry(i, LedgerEntryType.Earn, T0.AddHours(-i))).ToList();
        ledger[650] = ledger[650] with { Type = LedgerEntryType.Adjustment };
        wallets.Ledgers["rrr_m_1001"] = ledger;
        var cut = Render<TransactionHistory>();
        cut.WaitForAssertion(() => Assert.NotEmpty(Kinds(cut)));

        await ApplyAsync(cut, new HistoryFilter([HistoryKind.Adjustments]));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=history-bounded]")));
        Assert.Contains("No matches so far", cut.Find("[data-testid=history-bounded]").TextContent, StringComparison.Ordinal);
        Assert.Empty(Kinds(cut));
        Assert.Equal("Search further back", cut.Find("[data-testid=history-more]").TextContent.Trim());

        cut.Find("[data-testid=history-more]").Click();

        cut.WaitForAssertion(() => Assert.Equal(["adjustments"], Kinds(cut)));
        Assert.Empty(cut.FindAll("[data-testid=history-bounded]"));
        Assert.Empty(cut.FindAll("[data-testid=history-more]"));
    }

    [Fact]
    public async Task NothingMatching_SaysSo_NotThatThereAreNoTransactions()
    {
        wallets.Ledgers["rrr_m_1001"] = [Entry(0, LedgerEntryType.Earn, T0.AddDays(-1))];
        var cut = Render<TransactionHistory>();
        cut.WaitForAssertion(() => Assert.Single(Kinds(cut)));

        await ApplyAsync(cut, new HistoryFilter([HistoryKind.Awards]));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=history-no-match]")));
        Assert.Empty(cut.FindAll("[data-testid=history-empty]"));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            db.Dispose();
        }
    }

    [Fact]
    public void InSpanish_TheTableSpeaksSpanish_WithSpanishDatesAndNumbers()
    {
        UseCulture("es");
        wallets.Ledgers["rrr_m_1001"] =
        [
            new LedgerEntry("le_1", LedgerEntryType.Earn, 1250, LedgerEntryStatus.Pending, new DateTimeOffset(2026, 3, 21, 14, 5, 0, TimeSpan.Zero), "ref_1", null),
            new LedgerEntry("le_2", LedgerEntryType.RedemptionCommit, -300, LedgerEntryStatus.Posted, new DateTimeOffset(2026, 3, 20, 9, 0, 0, TimeSpan.Zero), "ref_2", null),
        ];

        var cut = Render<TransactionHistory>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=history-row]").Count));
        Assert.Contains("Historial de movimientos", cut.Markup, StringComparison.Ordinal);
        var first = cut.FindAll("[data-testid=history-row]")[0].TextContent;
        Assert.Contains("21 mar 2026", first, StringComparison.Ordinal);
        Assert.Contains("14:05 UTC", first, StringComparison.Ordinal);
        Assert.Contains("Puntos ganados", first, StringComparison.Ordinal);
        Assert.Contains("Pendiente", first, StringComparison.Ordinal);
        Assert.Contains("+1.250", first, StringComparison.Ordinal);
        Assert.Contains("-300", cut.FindAll("[data-testid=history-row]")[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("Canjeados", cut.FindAll("[data-testid=history-row]")[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("Aplicar", cut.Find("[data-testid=history-filter-apply]").TextContent.Trim());
    }
}
