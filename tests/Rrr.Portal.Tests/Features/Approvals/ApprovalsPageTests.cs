using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features.Approvals;
using Rrr.Persistence.Sqlite;
using Rrr.Portal.Features.Approvals;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Approvals;

/// <summary>The approvals page over a real SQLite store and engine, so the chain check reads what the store holds.</summary>
public sealed class ApprovalsPageTests : PortalComponentTest, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "rrr-approvals-page-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(T0);
    private SqlitePorts _store = null!;
    private readonly ApprovalChainKeys chainKeys = Support.TestChainKeys.Create();
    private ApprovalEngine _engine = null!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = SqlitePorts.Open(_root, "portal.db");
        await _store.InitializeAsync(Ct);
        _engine = new ApprovalEngine(_store.Approvals, _time, Options.Create(new ApprovalOptions()), NullLogger<ApprovalEngine>.Instance, chainKeys, new global::Rrr.Core.Features.PortalEvents(NullLogger<global::Rrr.Core.Features.PortalEvents>.Instance));
        Services.AddSingleton(_engine);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        DeleteStore();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        DeleteStore();
    }

    private void DeleteStore()
    {
        _store?.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task InSpanish_TheQueueAndTheChainCheckSpeakSpanish()
    {
        var promotion = await _engine.CreateAsync("promotion", "prm_42", "{}", new ApprovalPolicy(2, true), "xcn_u_9001", Ct);
        await _engine.ApproveAsync(promotion.Request.Id, "xcn_u_9002", 1, Ct);
        _time.Advance(TimeSpan.FromMinutes(1));
        await _engine.CreateAsync("adjustment", "xcn_u_1001", "{}", new ApprovalPolicy(1, false), "xcn_u_9002", Ct);
        UseCulture("es");

        var page = Render<ApprovalsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=queue-kind]").Count));
        Assert.Equal(["Promoción", "Ajuste"], page.FindAll("[data-testid=queue-kind]").Select(c => c.TextContent));
        Assert.Equal(["1 de 2 XCN", "0 de 1 XCN"], page.FindAll("[data-testid=queue-progress]").Select(c => c.TextContent));
        Assert.Contains("2 administradores distintos de XCN + 1 administrador de RRR", page.Markup, StringComparison.Ordinal);
        Assert.Equal("Aprobaciones", page.Find("h1").TextContent);
        Assert.Contains("12:00 UTC", page.Markup, StringComparison.Ordinal);
        Assert.Equal(["Promociones", "Ajustes"], page.FindAll("[data-testid=queue-filter] a").Skip(1).Select(a => a.TextContent.Trim()));
        Assert.StartsWith("Abrir promoción", page.FindAll("[data-testid=queue-open]")[0].TextContent, StringComparison.Ordinal);

        page.Find("[data-testid=chain-check]").Click();

        page.WaitForAssertion(() => Assert.Equal("Cadena intacta: 3 registros verificados.", page.Find("[data-testid=chain-result]").TextContent.Trim()));
        Assert.Contains("Cada solicitud guardada (2) coincide", page.Find("[data-testid=chain-requests]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_ShowsKindSubjectMakerPolicyProgress_AndLinksToTheFeaturePage()
    {
        var promotion = await _engine.CreateAsync("promotion", "prm_42", "{}", new ApprovalPolicy(2, true), "xcn_u_9001", Ct);
        await _engine.ApproveAsync(promotion.Request.Id, "xcn_u_9002", 1, Ct);
        _time.Advance(TimeSpan.FromMinutes(1));
        var waiting = await _engine.CreateAsync("adjustment", "xcn_u_1001", "{}", new ApprovalPolicy(1, false), "xcn_u_9002", Ct);
        var decided = await _engine.CreateAsync("adjustment", "xcn_u_1003", "{}", new ApprovalPolicy(1, false), "xcn_u_9002", Ct);
        await _engine.ApproveAsync(decided.Request.Id, "xcn_u_9003", 1, Ct);

        var page = Render<ApprovalsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=queue-kind]").Count));
        Assert.Equal(["Promotion", "Adjustment"], page.FindAll("[data-testid=queue-kind]").Select(c => c.TextContent));
        Assert.Equal(["prm_42", "xcn_u_1001"], page.FindAll("[data-testid=queue-subject]").Select(c => c.TextContent));
        Assert.Equal(["1 of 2 XCN", "0 of 1 XCN"], page.FindAll("[data-testid=queue-progress]").Select(c => c.TextContent));
        Assert.Contains("2 distinct XCN admins + 1 RRR admin", page.Markup, StringComparison.Ordinal);
        Assert.Contains("xcn_u_9001", page.Markup, StringComparison.Ordinal);
        Assert.Equal(["admin/promotions/prm_42", "admin/adjustments?request=" + waiting.Request.Id], page.FindAll("[data-testid=queue-open]").Select(a => a.GetAttribute("href")));
        Assert.Empty(page.FindAll("[data-testid=queue-next]"));
    }

    [Fact]
    public async Task Paging_FollowsTheNextPageLink_UntilTheQueueEnds()
    {
        var subjects = new List<string>();
        for (var i = 0; i < ApprovalsPage.PageSize + 3; i++)
        {
            var subject = "xcn_u_" + (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            subjects.Add(subject);
            await _engine.CreateAsync("adjustment", subject, "{}", new ApprovalPolicy(1, false), "xcn_u_9001", Ct);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = Render<ApprovalsPage>();
        first.WaitForAssertion(() => Assert.Equal(ApprovalsPage.PageSize, first.FindAll("[data-testid=queue-subject]").Count));
        var next = first.Find("[data-testid=queue-next]").GetAttribute("href")!;

        Services.GetRequiredService<NavigationManager>().NavigateTo(next);
        var second = Render<ApprovalsPage>();

        second.WaitForAssertion(() => Assert.Equal(3, second.FindAll("[data-testid=queue-subject]").Count));
        Assert.Equal(subjects[ApprovalsPage.PageSize..], second.FindAll("[data-testid=queue-subject]").Select(c => c.TextContent));
        Assert.Empty(second.FindAll("[data-testid=queue-next]"));
        Assert.Equal("admin/approvals", second.Find("[data-testid=queue-first]").GetAttribute("href"));
    }

    [Fact]
    public async Task KindFilter_ShowsOnlyThatKind_AndItsPagesKeepTheFilter()
    {
        for (var i = 0; i < ApprovalsPage.PageSize + 1; i++)
        {
            await _engine.CreateAsync("promotion", "prm_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "{}", new ApprovalPolicy(2, true), "xcn_u_9001", Ct);
            _time.Advance(TimeSpan.FromSeconds(1));
            await _engine.CreateAsync("adjustment", "xcn_u_1001", "{}", new ApprovalPolicy(1, false), "xcn_u_9001", Ct);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("admin/approvals?kind=promotion");
        var first = Render<ApprovalsPage>();
        first.WaitForAssertion(() => Assert.Equal(ApprovalsPage.PageSize, first.FindAll("[data-testid=queue-kind]").Count));
        Assert.All(first.FindAll("[data-testid=queue-kind]"), c => Assert.Equal("Promotion", c.TextContent));
        var next = first.Find("[data-testid=queue-next]").GetAttribute("href")!;
        Assert.StartsWith("admin/approvals?kind=promotion&after=", next, StringComparison.Ordinal);
        Assert.Equal("page", first.Find("[data-testid=queue-filter] a[href='admin/approvals?kind=promotion']").GetAttribute("aria-current"));

        navigation.NavigateTo(next);
        var second = Render<ApprovalsPage>();
        second.WaitForAssertion(() => Assert.Equal(["prm_" + ApprovalsPage.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)], second.FindAll("[data-testid=queue-subject]").Select(c => c.TextContent)));
        Assert.Equal("admin/approvals?kind=promotion", second.Find("[data-testid=queue-first]").GetAttribute("href"));
    }

    [Fact]
    public async Task ChainCheck_OnAnUntouchedLog_SaysIntact_WithTheRecordCount()
    {
        var view = await _engine.CreateAsync("adjustment", "xcn_u_1001", "{}", new ApprovalPolicy(2, false), "xcn_u_9001", Ct);
        await _engine.ApproveAsync(view.Request.Id, "xcn_u_9002", 1, Ct);
        await _engine.ApproveAsync(view.Request.Id, "xcn_u_9003", 1, Ct);
        var page = Render<ApprovalsPage>();

        page.Find("[data-testid=chain-check]").Click();

        page.WaitForAssertion(() => Assert.Contains("Chain intact: 3 records verified.", page.Find("[data-testid=chain-result]").TextContent, StringComparison.Ordinal));
        Assert.Contains("mud-alert-text-success", page.Find("[data-testid=chain-result]").OuterHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChainCheck_AfterARecordIsTamperedInTheFile_NamesTheBrokenRecord()
    {
        var view = await _engine.CreateAsync("adjustment", "xcn_u_1001", "{}", new ApprovalPolicy(2, false), "xcn_u_9001", Ct);
        await _engine.ApproveAsync(view.Request.Id, "xcn_u_9002", 1, Ct);
        await _engine.ApproveAsync(view.Request.Id, "xcn_u_9003", 1, Ct);

        // As in the store-level tamper test: someone with the file drops the guard and swaps the approver of record 2.
        await using (var connection = new SqliteConnection($"Data Source={_store.DatabasePath}"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER approval_log_no_update; UPDATE approval_log SET actor_id = 'xcn_u_9999' WHERE seq = 2;";
            await command.ExecuteNonQueryAsync(Ct);
        }

        var page = Render<ApprovalsPage>();
        page.Find("[data-testid=chain-check]").Click();

        page.WaitForAssertion(() => Assert.Contains(
            "Chain broken at record 2: its content does not match its hash.", page.Find("[data-testid=chain-result]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Records verified before it: 1.", page.Find("[data-testid=chain-result]").TextContent, StringComparison.Ordinal);
        Assert.Contains("mud-alert-text-error", page.Find("[data-testid=chain-result]").OuterHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnreadablePageLink_ShowsTheFirstPage_WithAWarning()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("admin/approvals?after=garbage");

        var page = Render<ApprovalsPage>();

        page.WaitForAssertion(() => Assert.Contains("That page link is not valid", page.Markup, StringComparison.Ordinal));
        Assert.NotNull(page.Find("[data-testid=queue-empty]"));
    }
}
