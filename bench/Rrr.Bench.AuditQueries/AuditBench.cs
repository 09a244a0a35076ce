using Rrr.Core.Features.Audit;

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
            var total = (await audit.QueryAsync(withActor[i] with { Take = 1, CountUpTo = null }, ct)).Total;
            deepWithActor[i] = withActor[i] with { Skip = (int)Math.Max(0, (total - 1) / Page * Page) };
            var kindTotal = (await audit.QueryAsync(kindOnly[i] with { Take = 1, CountUpTo = null }, ct)).Total;
            deepKindOnly[i] = kindOnly[i] with { Skip = (int)Math.Min(20_000, Math.Max(0, (kindTotal - 1) / Page * Page)) };
        }

        // The same deep pages by cursor: the event just before each offset page, found once (untimed).
        var keysetWithActor = await ByCursorAsync(audit, deepWithActor, ct);
        var keysetKindOnly = await ByCursorAsync(audit, deepKindOnly, ct);
        var unfiltered = new AuditQuery(Take: Page, CountUpTo: AuditQuery.ScreenCountLimit);

        Console.WriteLine($"(a) matches per query: {deepWithActor.Average(q => q.Skip):F0} rows deep on average; (b) deep page at row {deepKindOnly.Average(q => q.Skip):F0} on average");
        return
        [
            await Latencies.RunAsync("(a) actor+kind+180d, first page", 10, runs, i => audit.QueryAsync(withActor[Index(i, runs)], ct)),
            await Latencies.RunAsync("(a) actor+kind+180d, last page (offset)", 10, runs, i => audit.QueryAsync(deepWithActor[Index(i, runs)], ct)),
            await Latencies.RunAsync("(b) kind+180d, first page", 10, runs, i => audit.QueryAsync(kindOnly[Index(i, runs)], ct)),
            await Latencies.RunAsync("(b) kind+180d, page at row ~20,000 (offset)", 10, runs, i => audit.QueryAsync(deepKindOnly[Index(i, runs)], ct)),
            await Latencies.RunAsync("(a) actor+kind+180d, last page (cursor)", 10, runs, i => audit.QueryAsync(keysetWithActor[Index(i, runs)], ct)),
            await Latencies.RunAsync("(b) kind+180d, page at row ~20,000 (cursor)", 10, runs, i => audit.QueryAsync(keysetKindOnly[Index(i, runs)], ct)),
            await Latencies.RunAsync("(e) no filters, first page (count up to 10,000)", 10, runs, _ => audit.QueryAsync(unfiltered, ct)),
        ];
    }

    private static async Task<AuditQuery[]> ByCursorAsync(IAuditStore audit, AuditQuery[] offsetPages, CancellationToken ct)
    {
        var result = new AuditQuery[offsetPages.Length];
        for (var i = 0; i < offsetPages.Length; i++)
        {
            var q = offsetPages[i];
            var previous = q.Skip == 0 ? null : (await audit.QueryAsync(q with { Skip = q.Skip - 1, Take = 1, CountTotal = false }, ct)).Items[0];
            result[i] = q with { Skip = 0, Before = previous is null ? null : AuditCursor.After(previous) };
            if (i < 20)
            {
                // The cursor page must be the offset page, row for row.
                var byOffset = (await audit.QueryAsync(q, ct)).Items.Select(e => e.Id);
                var byCursor = (await audit.QueryAsync(result[i], ct)).Items.Select(e => e.Id);
                if (!byOffset.SequenceEqual(byCursor))
                {
                    throw new InvalidOperationException($"Cursor page {i} differs from its offset page.");
                }
            }
        }

        return result;
    }

    private static int Index(int i, int runs) => i < 0 ? -i % runs : i;

    private static AuditQuery Window(int i)
    {
        var kind = Seeder.Kinds[i % Seeder.Kinds.Length].Kind;
        var from = Seeder.Now.AddDays(-365 + i * 37 % 180);
        // Counted as the audit trail page counts: up to AuditQuery.ScreenCountLimit.
        return new AuditQuery(Kind: kind, From: from, To: from.AddDays(180), Take: Page, CountUpTo: AuditQuery.ScreenCountLimit);
    }
}
