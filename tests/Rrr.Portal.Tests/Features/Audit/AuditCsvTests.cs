using Rrr.Core.Features.Audit;
using Rrr.Core.Persistence;

namespace Rrr.Portal.Tests.Features.Audit;

public sealed class AuditCsvTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Write_StreamsEveryPageByCursorWithoutCounting_AndPinsTheOpenEndAtExportTime()
    {
        var store = new PagingStore(AuditCsv.PageSize * 2 + 3);
        using var writer = new StringWriter();

        var written = await AuditCsv.WriteAsync(store, new AuditQuery(ActorId: "xcn_u_1", Skip: 7, Take: 3), T0, writer, Ct);

        Assert.Equal(AuditCsv.PageSize * 2 + 3, written);
        Assert.Equal(
            [null, $"ev{AuditCsv.PageSize - 1}", $"ev{AuditCsv.PageSize * 2 - 1}"], store.Queries.Select(q => q.Before?.Id));
        Assert.All(store.Queries, q => Assert.Equal((0, false), (q.Skip, q.CountTotal)));
        Assert.All(store.Queries, q => Assert.Equal(AuditCsv.PageSize, q.Take));
        Assert.All(store.Queries, q => Assert.Equal(T0, q.To));
        Assert.All(store.Queries, q => Assert.Equal("xcn_u_1", q.ActorId));
        var lines = writer.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(written + 1, lines.Length);
        Assert.Equal(string.Join(',', AuditCsv.Header), lines[0]);
    }

    [Fact]
    public async Task Write_KeepsAnExplicitEnd_AndWritesEachField()
    {
        var to = T0.AddDays(-1);
        var e = new AuditEvent("ev1", new DateTimeOffset(2026, 11, 24, 9, 30, 5, 120, TimeSpan.FromHours(2)), "xcn_u_9", "award", "=x,y", "tr1", "key1", "ok");
        var store = new PagingStore(0, [e]);
        using var writer = new StringWriter();

        await AuditCsv.WriteAsync(store, new AuditQuery(To: to), T0, writer, Ct);

        Assert.Equal(to, Assert.Single(store.Queries).To);
        var row = writer.ToString().Split("\r\n")[1];
        Assert.Equal("2026-11-24T07:30:05.120Z,xcn_u_9,award,\"'=x,y\",ok,tr1,key1,ev1", row);
    }

    /// <summary>Answers the paging the way the stores do and records every query it was asked.</summary>
    private sealed class PagingStore(int count, IReadOnlyList<AuditEvent>? fixedItems = null) : IAuditStore
    {
        public List<AuditQuery> Queries { get; } = [];

        public Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
        {
            Queries.Add(query);
            var all = fixedItems ?? Enumerable.Range(0, count)
                .Select(i => new AuditEvent($"ev{i}", T0.AddSeconds(-i), "xcn_u_1", "award", null, null, null, "ok")).ToList();
            var rest = query.Before is { } before ? all.SkipWhile(e => e.Id != before.Id).Skip(1) : all;
            return Task.FromResult(new AuditPage(
                rest.Skip(query.Skip).Take(query.Take).ToList(), query.CountTotal ? all.Count : AuditPage.NotCounted));
        }
    }
}
