using Rrr.Core.Features.Approvals;

namespace Rrr.Bench.AuditQueries;

/// <summary>(c) The approvals queue through the real engine: first page and a page ~9,900 rows deep, all kinds and one kind.</summary>
internal static class QueueBench
{
    private const int Page = 50;

    public static async Task<IReadOnlyList<Latencies>> RunAsync(ApprovalEngine engine, int runs, CancellationToken ct)
    {
        // Walk the whole queue once (untimed) to count it and to find the deep cursors.
        var (count, deep) = await WalkAsync(engine, null, Math.Min(9_900, Seeder.PendingRequests - 100), ct);
        var (promotions, deepPromotion) = await WalkAsync(engine, "promotion", Math.Min(3_900, Seeder.PendingRequests * 2 / 5 - 100), ct);
        Console.WriteLine($"(c) queue holds {count:N0} waiting requests ({promotions:N0} promotions)");
        if (count != Seeder.PendingRequests)
        {
            throw new InvalidOperationException($"Expected {Seeder.PendingRequests} waiting requests, the queue shows {count}.");
        }

        return
        [
            await Latencies.RunAsync("(c) approvals queue, first page", 10, runs, _ => engine.QueueAsync(null, null, Page, ct)),
            await Latencies.RunAsync("(c) approvals queue, page at row 9,900", 10, runs, _ => engine.QueueAsync(null, deep, Page, ct)),
            await Latencies.RunAsync("(c) approvals queue, promotions, first page", 10, runs, _ => engine.QueueAsync("promotion", null, Page, ct)),
            await Latencies.RunAsync("(c) approvals queue, promotions, page at row 3,900", 10, runs, _ => engine.QueueAsync("promotion", deepPromotion, Page, ct)),
        ];
    }

    private static async Task<(int Count, ApprovalQueueCursor? Deep)> WalkAsync(ApprovalEngine engine, string? kind, int deepAt, CancellationToken ct)
    {
        var count = 0;
        ApprovalQueueCursor? after = null;
        ApprovalQueueCursor? deep = null;
        do
        {
            var page = await engine.QueueAsync(kind, after, 100, ct);
            foreach (var view in page.Items)
            {
                if (++count == deepAt)
                {
                    deep = new ApprovalQueueCursor(view.Request.CreatedAt, view.Request.Id);
                }
            }

            after = page.Next;
        }
        while (after is not null);
        return (count, deep);
    }
}
