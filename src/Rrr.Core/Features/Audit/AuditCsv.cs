namespace Rrr.Core.Features.Audit;

/// <summary>
/// Writes the audit trail as CSV (<see cref="Csv"/>: RFC 4180, formula prefixes neutralised), keyset page by keyset page
/// from the store, so an export of any size holds one page in memory. Every cell is text: actor and subject ids come
/// from outside and must never execute when an admin opens the file.
/// </summary>
public static class AuditCsv
{
    public const int PageSize = 500;

    public static readonly string[] Header = ["occurred_at_utc", "actor_id", "kind", "subject_id", "outcome", "trace_id", "idempotency_key", "id"];

    /// <summary>
    /// Streams every event matching <paramref name="filter"/> (its Skip/Take are ignored). An open-ended range is
    /// closed at <paramref name="asOf"/>, so events appended during the export cannot shift the pages under it.
    /// </summary>
    public static async Task<long> WriteAsync(
        IAuditStore store, AuditQuery filter, DateTimeOffset asOf, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(writer);

        await Csv.WriteRowAsync(writer, Header).ConfigureAwait(false);
        // Keyset pages without a count: each page costs the same however deep the export is (an offset re-reads
        // every earlier row, and a count per page re-reads them all).
        var query = filter with { To = filter.To ?? asOf, Skip = 0, Take = PageSize, Before = null, CountTotal = false };
        long written = 0;
        while (true)
        {
            var page = await store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var e in page.Items)
            {
                await Csv.WriteRowAsync(writer, Cells(e)).ConfigureAwait(false);
                written++;
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (page.Items.Count < PageSize)
            {
                return written;
            }

            query = query with { Before = AuditCursor.After(page.Items[^1]) };
        }
    }

    public static string[] Cells(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return
        [
            Csv.Timestamp(e.OccurredAt),
            e.ActorId, e.Kind, e.SubjectId ?? "", e.Outcome ?? "", e.TraceId ?? "", e.IdempotencyKey ?? "", e.Id,
        ];
    }
}
