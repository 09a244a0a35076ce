using Rrr.Core.Persistence;

namespace Rrr.Bench.AuditQueries;

/// <summary>
/// The audit trail page's queries through the real <see cref="IAuditStore.QueryAsync"/>: (a) actor + kind + date
/// range, page 50, first and deep page; (b) kind + date range without an actor, first and deep page. Each run takes
/// another actor, kind and 180-day window, so no run repeats the one before it.
/// </summary>
internal static class AuditBench
{
    private const int Page = 50;

    public static async Task<IReadOnlyList<Latencies>> RunAsync(IAuditStore audit, int runs, CancellationToken ct)
    {
        var withActor = Enumerable.Range(0, runs).Select(i => Window(i) with { ActorId = Seeder.Actors[i * 7 % Seeder.Actors.Length] }).ToArray();
        var kindOnly = Enumerable.Range(0, runs).Select(Window).ToArray();

        // Deep pages: the last page of each filter's matches for (a); 20,000 rows in for (b) (its smallest kinds have fewer).
        var deepWithActor = new AuditQuery[runs];
        var deepKindOnly = new AuditQuery[runs];
        for (var i = 0; i < runs; i++)
        {
            var total = (await audit.QueryAsync(withActor[i] with { Take = 1 }, ct)).Total;
            deepWithActor[i] = withActor[i] with { Skip = (int)Math.Max(0, (total - 1) / Page * Page) };
            var kindTotal = (await audit.QueryAsync(kindOnly[i] with { Take = 1 }, ct)).Total;
            deepKindOnly[i] = kindOnly[i] with { Skip = (int)Math.Min(20_000, Math.Max(0, (kindTotal - 1) / Page * Page)) };
        }

        Console.WriteLine($"(a) matches per query: {deepWithActor.Average(q => q.Skip):F0} rows deep on average; (b) deep page at row {deepKindOnly.Average(q => q.Skip):F0} on average");
        return
        [
            await Latencies.RunAsync("(a) actor+kind+180d, first page", 10, runs, i => audit.QueryAsync(withActor[Index(i, runs)], ct)),
            await Latencies.RunAsync("(a) actor+kind+180d, last page (offset)", 10, runs, i => audit.QueryAsync(deepWithActor[Index(i, runs)], ct)),
            await Latencies.RunAsync("(b) kind+180d, first page", 10, runs, i => audit.QueryAsync(kindOnly[Index(i, runs)], ct)),
            await Latencies.RunAsync("(b) kind+180d, page at row ~20,000 (offset)", 10, runs, i => audit.QueryAsync(deepKindOnly[Index(i, runs)], ct)),
        ];
    }

    private static int Index(int i, int runs) => i < 0 ? -i % runs : i;

    private static AuditQuery Window(int i)
    {
        var kind = Seeder.Kinds[i % Seeder.Kinds.Length].Kind;
        var from = Seeder.Now.AddDays(-365 + i * 37 % 180);
        return new AuditQuery(Kind: kind, From: from, To: from.AddDays(180), Take: Page);
    }
}
