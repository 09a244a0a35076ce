using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Core.Features.Audit;
using Rrr.Core.Rrr.Http;
using MudBlazor;
using Rrr.Portal.Features.Audit;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Audit;

public sealed class AuditTrailPageTests : PortalComponentTest
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeAuditStore _store = new(
    [
        new AuditEvent("ev2", T0, "xcn_u_2001", "award", "xcn_u_1003", "trace-2", "key-2", "ok"),
        new AuditEvent("ev1", T0.AddMinutes(-5), "xcn_u_9001", "adjustment", "xcn_u_1001", null, null, "posted"),
    ]);

    private readonly FakeCallLog _calls = new(
    [
        new RrrCallRecord("c1", T0, "IRrrAwardsApi.AwardAsync", "POST", "/v1/awards", "key-2", "trace-2", 1, 503, "rrr_unavailable", RrrCallOutcome.Failed, 120, false),
        new RrrCallRecord("c2", T0.AddSeconds(1), "IRrrAwardsApi.AwardAsync", "POST", "/v1/awards", "key-2", "trace-other", 2, 201, null, RrrCallOutcome.Succeeded, 45, true),
    ]);

    public AuditTrailPageTests()
    {
        Services.AddSingleton<IAuditStore>(_store);
        Services.AddSingleton<IRrrCallLog>(_calls);
        Services.AddTransient<MudLocalizer, PortalMudLocalizer>(); // MudBlazor's own texts, as the app registers them
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void Filters_AreSentToTheStore_AndCarriedIntoTheExportLink()
    {
        var page = Render<AuditTrailPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-kind-cell]").Count));
        Assert.Null(_store.Queries[^1].ActorId);

        page.Find("[data-testid=audit-filter-actor] input, input[data-testid=audit-filter-actor]").Change("xcn_u_2001");
        page.Find("[data-testid=audit-filter-kind] input, input[data-testid=audit-filter-kind]").Change("award");
        page.Find("[data-testid=audit-apply]").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=audit-kind-cell]")));
        Assert.Equal(("xcn_u_2001", "award"), (_store.Queries[^1].ActorId, _store.Queries[^1].Kind));
        var export = page.Find("[data-testid=audit-export]");
        Assert.Equal("admin/audit/export.csv?actor=xcn_u_2001&kind=award", export.GetAttribute("href"));
        // A plain download: the circuit's router must not try to render the CSV route as a page.
        Assert.True(export.HasAttribute("download"));
    }

    [Fact]
    public void Total_IsCountedUpToTheScreenLimit_AndShownAsAtLeastThatWhenReached()
    {
        _store.AtCountLimit = true;

        var page = Render<AuditTrailPage>();

        page.WaitForAssertion(() => Assert.StartsWith("1-25 of 10,000+", page.Find(".mud-table-pagination").TextContent, StringComparison.Ordinal));
        Assert.All(_store.Queries, q => Assert.Equal(AuditQuery.ScreenCountLimit, q.CountUpTo));
    }

    [Fact]
    public void InSpanish_TheTableThePagerAndTheCallsSpeakSpanish_TimesStayUtc()
    {
        _store.AtCountLimit = true;
        UseCulture("es");

        var page = Render<AuditTrailPage>();

        page.WaitForAssertion(() => Assert.StartsWith("1-25 de 10.000+", page.Find(".mud-table-pagination").TextContent, StringComparison.Ordinal));
        Assert.Contains("Registro de auditoría", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Hasta (UTC, incluido)", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Exportar CSV", page.Find("[data-testid=audit-export]").TextContent, StringComparison.Ordinal);
        Assert.Contains("UTC", page.FindAll("td")[0].TextContent, StringComparison.Ordinal);
        // MudBlazor's own pager buttons, through the portal's MudLocalizer.
        Assert.NotNull(page.Find("button[aria-label='Página siguiente']"));

        page.Find("[data-testid=audit-toggle]").Click();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-call-row]").Count));
        var rows = page.FindAll("[data-testid=audit-call-row]").Select(r => r.TextContent).ToList();
        Assert.Contains("sí", rows[0], StringComparison.Ordinal);
        Assert.Contains("120 ms", rows[1], StringComparison.Ordinal);
        Assert.Contains("Latencia", page.Find("[data-testid=audit-calls]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Detail_ListsTheRrrCallsByTraceAndByKey()
    {
        var page = Render<AuditTrailPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-kind-cell]").Count));
        // Only the award has a trace id / key, so only it can be expanded.
        Assert.Single(page.FindAll("[data-testid=audit-toggle]"));

        page.Find("[data-testid=audit-toggle]").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-call-row]").Count));
        var rows = page.FindAll("[data-testid=audit-call-row]").Select(r => r.TextContent).ToList();
        Assert.Contains("201", rows[0], StringComparison.Ordinal);
        Assert.Contains("yes", rows[0], StringComparison.Ordinal);
        Assert.Contains("rrr_unavailable", rows[1], StringComparison.Ordinal);
        Assert.Contains("120 ms", rows[1], StringComparison.Ordinal);
    }

    private sealed class FakeAuditStore(IReadOnlyList<AuditEvent> events) : IAuditStore
    {
        public List<AuditQuery> Queries { get; } = [];

        /// <summary>Answers as a store whose count stopped at the query's limit.</summary>
        public bool AtCountLimit { get; set; }

        public Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
        {
            Queries.Add(query);
            var hits = events.Where(e => (query.ActorId is null || e.ActorId == query.ActorId) && (query.Kind is null || e.Kind == query.Kind)).ToList();
            return Task.FromResult(AtCountLimit
                ? new AuditPage(hits.Skip(query.Skip).Take(query.Take).ToList(), query.CountUpTo ?? 0, TotalIsLowerBound: true)
                : new AuditPage(hits.Skip(query.Skip).Take(query.Take).ToList(), hits.Count));
        }
    }

    private sealed class FakeCallLog(IReadOnlyList<RrrCallRecord> records) : IRrrCallLog
    {
        public Task RecordAsync(RrrCallRecord record, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<RrrCallPage> QueryAsync(RrrCallQuery query, CancellationToken cancellationToken)
        {
            var hits = records.Where(r => (query.TraceId is null || r.TraceId == query.TraceId) && (query.IdempotencyKey is null || r.IdempotencyKey == query.IdempotencyKey)).ToList();
            return Task.FromResult(new RrrCallPage(hits, hits.Count));
        }
    }
}
