using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Core.Features;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Wallet;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Wallet;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Wallet;

/// <summary>
/// GET /member/history.csv through the real pipeline (auth, policies, flags, rate limit), with RRR's links and wallet
/// APIs faked. Mia (xcn_u_1001 → rrr_m_1001) and Oli (xcn_u_1003 → rrr_m_1003) are linked; xcn_u_1002 is not.
/// </summary>
public sealed class HistoryExportTests : IClassFixture<PortalFactory>
{
    private const string Mia = "xcn_u_1001";
    private const string Oli = "xcn_u_1003";

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    private readonly PortalFactory factory;
    private readonly FakeLinksApi links = new();
    private readonly FakeWalletApi wallets = new();

    // A store of its own: the portal keeps RRR's last link answer per user, and another test's answer must not leak in.
    private readonly string dataFolder = Directory.CreateTempSubdirectory("rrr-history-").FullName;

    public HistoryExportTests(PortalFactory factory)
    {
        this.factory = factory;
        links.Links[Mia] = FakeLinksApi.Linked(Mia, "rrr_m_1001");
        links.Links[Oli] = FakeLinksApi.Linked(Oli, "rrr_m_1003");
        wallets.Ledgers["rrr_m_1001"] =
        [
            Entry("le_m1", LedgerEntryType.Earn, 120, Now.AddDays(-1), "mia_order_1"),
            Entry("le_m2", LedgerEntryType.AwardCredit, 50, Now.AddDays(-2), "award_1"),
            Entry("le_m3", LedgerEntryType.Earn, 40, Now.AddDays(-3), "=cmd|'/c calc'!A1", LedgerEntryStatus.Pending),
            Entry("le_m4", LedgerEntryType.RedemptionCommit, -300, Now.AddDays(-4), "mia_checkout_1"),
            Entry("le_m5", LedgerEntryType.Earn, 950, Now.AddDays(-45), "mia_order_old"),
        ];
        wallets.Ledgers["rrr_m_1003"] = [Entry("le_o1", LedgerEntryType.Earn, 80, Now.AddDays(-1), "oli_order_1")];
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LedgerEntry Entry(string id, LedgerEntryType type, long points, DateTimeOffset at, string? reference, LedgerEntryStatus status = LedgerEntryStatus.Posted) =>
        new(id, type, points, status, at, reference, "tr_" + id);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private WebApplicationFactory<Program> Portal(bool panelFlag = true, int? exportsPerWindow = null) => factory.WithWebHostBuilder(b =>
    {
        b.UseSetting("Store:DataFolder", dataFolder);
        b.UseSetting("FeatureManagement:PointsPanel", panelFlag ? "true" : "false");
        if (exportsPerWindow is { } limit)
        {
            b.UseSetting("RateLimits:HistoryExports:PermitLimit", limit.ToString(CultureInfo.InvariantCulture));
            b.UseSetting("RateLimits:HistoryExports:Window", "01:00:00");
        }

        b.ConfigureTestServices(s =>
        {
            s.AddSingleton<IRrrLinksApi>(links);
            s.AddSingleton<IRrrWalletApi>(wallets);
        });
    });

    private static HttpClient Client(WebApplicationFactory<Program> portal, string? sub, params string[] roles)
    {
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (roles.Length > 0)
        {
            client.DefaultRequestHeaders.Add(PortalFactory.RolesHeader, string.Join(',', roles));
        }

        if (sub is not null)
        {
            client.DefaultRequestHeaders.Add(PortalFactory.SubHeader, sub);
        }

        return client;
    }

    private static Task<HttpResponseMessage> ExportAsync(HttpClient client, string query = "") =>
        client.GetAsync(new Uri(HistoryExportEndpoints.ExportPath + query, UriKind.Relative), Ct);

    private static async Task<string[]> LinesAsync(HttpResponseMessage response) =>
        (await response.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    private static async Task<string?> ProblemCodeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return problem.RootElement.GetProperty("code").GetString();
    }

    [Fact]
    public async Task Member_GetsOnlyHerOwnRows_OfTheChosenKindAndDays_AsCsv_WhateverTheQueryNames()
    {
        await using var portal = Portal();
        using var mia = Client(portal, Mia, PortalRoles.Member);

        using var response = await ExportAsync(mia, $"?kind=earned&from={Day(Today.AddDays(-30))}&to={Day(Today)}&member=rrr_m_1003&rrr_member_id=rrr_m_1003&sub={Oli}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.True(response.Headers.CacheControl!.NoStore);
        var lines = await LinesAsync(response);
        Assert.Equal("date_utc,kind,entry_type,points,status,reference", lines[0]);
        Assert.Equal(
        [
            $"{Csv.Timestamp(Now.AddDays(-1))},earned,EARN,120,POSTED,mia_order_1",
            $"{Csv.Timestamp(Now.AddDays(-3))},earned,EARN,40,PENDING,'=cmd|'/c calc'!A1",
        ], lines.Skip(1));
        Assert.DoesNotContain(wallets.Asked, a => a.Contains("rrr_m_1003", StringComparison.Ordinal));
        Assert.DoesNotContain(links.Asked, a => a == Oli);
    }

    [Fact]
    public async Task Unfiltered_StreamsEveryPage_WithNegativePointsAsNumbers()
    {
        wallets.Ledgers["rrr_m_1001"] = [.. Enumerable.Range(0, 250).Select(i =>
            Entry($"le_{i}", i % 2 == 0 ? LedgerEntryType.Earn : LedgerEntryType.AwardDebit, i % 2 == 0 ? 10 : -10, Now.AddMinutes(-i), $"r{i}"))];
        await using var portal = Portal();
        using var mia = Client(portal, Mia, PortalRoles.Member);

        using var response = await ExportAsync(mia);

        var lines = await LinesAsync(response);
        Assert.Equal(251, lines.Length);
        Assert.EndsWith(",awards,AWARD_DEBIT,-10,POSTED,r1", lines[2], StringComparison.Ordinal);
        Assert.Equal(3, wallets.Asked.Count(a => a == "tx:rrr_m_1001"));
    }

    [Fact]
    public async Task Anonymous_IsSentToSignIn_AndRrrIsNotAsked()
    {
        await using var portal = Portal();
        using var anonymous = Client(portal, sub: null);

        using var response = await ExportAsync(anonymous);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(PortalFactory.Authority + "connect/authorize", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Empty(wallets.Asked);
    }

    [Theory]
    [InlineData(PortalRoles.Model)]
    [InlineData(PortalRoles.Admin)]
    public async Task OtherRoles_AreForbidden_AndRrrIsNotAsked(string role)
    {
        await using var portal = Portal();
        using var client = Client(portal, Mia, role);

        using var response = await ExportAsync(client);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/forbidden", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Empty(wallets.Asked);
    }

    [Fact]
    public async Task RrrDown_IsA503Problem_BeforeAnyRow()
    {
        wallets.Down = true;
        await using var portal = Portal();
        using var mia = Client(portal, Mia, PortalRoles.Member);

        using var response = await ExportAsync(mia);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("rrr_unavailable", await ProblemCodeAsync(response));
    }

    [Fact]
    public async Task RrrDown_BeforeTheLinkWasEverKnown_IsA503Problem_NotAnEmptyFile()
    {
        links.Down = true;
        await using var portal = Portal();
        using var mia = Client(portal, Mia, PortalRoles.Member);

        using var response = await ExportAsync(mia);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("rrr_unavailable", await ProblemCodeAsync(response));
    }

    [Fact]
    public async Task RrrGoingDownMidway_AbortsTheDownload_RatherThanEndingItLikeACompleteFile()
    {
        wallets.Ledgers["rrr_m_1001"] = [.. Enumerable.Range(0, 350).Select(i => Entry($"le_{i}", LedgerEntryType.Earn, 10, Now.AddMinutes(-i), $"r{i}"))];
        wallets.TransactionPagesBeforeDown = 2;
        await using var portal = Portal();
        using var mia = Client(portal, Mia, PortalRoles.Member);

        // Where the break shows depends on buffering on the way (headers already read, or not yet): never as a whole file.
        var broken = await Record.ExceptionAsync(async () =>
        {
            using var response = await mia.GetAsync(new Uri(HistoryExportEndpoints.ExportPath, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the rows had started
            await response.Content.ReadAsStringAsync(Ct);
        });

        Assert.True(broken is HttpRequestException or IOException or OperationCanceledException, broken?.GetType().Name + ": " + broken?.Message);
        Assert.False(Ct.IsCancellationRequested);
        Assert.Equal(3, wallets.Asked.Count(a => a == "tx:rrr_m_1001"));
    }

    [Fact]
    public async Task Unlinked_IsA409Problem()
    {
        await using var portal = Portal();
        using var noah = Client(portal, "xcn_u_1002", PortalRoles.Member);

        using var response = await ExportAsync(noah);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("not_linked", await ProblemCodeAsync(response));
        Assert.Empty(wallets.Asked);
    }

    [Theory]
    [InlineData("?kind=everything", "kind")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?to=2999-01-01", "to")]
    [InlineData("?from=2026-03-10&to=2026-03-09", "to")]
    public async Task AnInvalidFilter_IsAValidationProblem_AndRrrIsNotAsked(string query, string field)
    {
        await using var portal = Portal();
        using var mia = Client(portal, Mia, PortalRoles.Member);

        using var response = await ExportAsync(mia, query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", await ProblemCodeAsync(response));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Empty(wallets.Asked);
    }

    [Fact]
    public async Task PointsPanelOff_IsNotFound()
    {
        await using var portal = Portal(panelFlag: false);
        using var mia = Client(portal, Mia, PortalRoles.Member);

        using var response = await ExportAsync(mia);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("feature_off", await ProblemCodeAsync(response));
        Assert.Empty(wallets.Asked);
    }

    [Fact]
    public async Task PastTheLimitPerMember_Is429_WhileAnotherMemberStillExports()
    {
        await using var portal = Portal(exportsPerWindow: 2);
        using var mia = Client(portal, Mia, PortalRoles.Member);
        using var oli = Client(portal, Oli, PortalRoles.Member);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await ExportAsync(mia);
            statuses.Add(response.StatusCode);
        }

        using var other = await ExportAsync(oli);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
