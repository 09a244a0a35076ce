using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Rrr.Core.Features;
using Rrr.Core.Features.Audit;
using Rrr.Core.Persistence;
using Rrr.Persistence.Sqlite;

namespace Rrr.Bench.AuditQueries;

internal sealed record ExportResult(string Name, long Rows, double Seconds, long PeakHeapDelta, long PeakWorkingSetDelta);

/// <summary>
/// (d) The CSV export of the whole trail through the real <see cref="AuditCsv.WriteAsync"/> (the export endpoint's
/// writer settings) into a null stream, against a naive export that reads every row into a list and builds the file
/// in memory before sending it. A sampler thread reads the managed heap (GC.GetTotalMemory, GC.GetGCMemoryInfo) and
/// the working set every 2 ms; peaks are reported above the level measured after a full collection at the start.
/// </summary>
internal static class ExportBench
{
    public static TimeSpan Limit { get; set; } = TimeSpan.FromMinutes(10);

    public static Task<ExportResult> StreamingAsync(SqlitePorts store, CancellationToken ct) =>
        MeasureAsync("streaming: AuditCsv.WriteAsync (export endpoint path)", async token =>
        {
            var counting = new CountingAuditStore(store.Audit);
            await using var writer = new StreamWriter(Stream.Null, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
            try
            {
                await AuditCsv.WriteAsync(counting, new AuditQuery(), Seeder.Now.AddDays(1), writer, token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Console.WriteLine($"  streaming export stopped after {Limit.TotalSeconds:F0} s with {counting.Rows:N0} rows");
            }

            return counting.Rows;
        }, ct);

    public static Task<ExportResult> MaterialisedAsync(SqlitePorts store, CancellationToken ct) =>
        MeasureAsync("baseline: read all rows into a list, build the CSV in memory", async token =>
        {
            var all = new List<AuditEvent>();
            await using (var connection = new SqliteConnection($"Data Source={store.DatabasePath};Mode=ReadOnly"))
            {
                await connection.OpenAsync(token);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT id, occurred_at, actor_id, kind, subject_id, trace_id, idempotency_key, outcome FROM audit_events ORDER BY occurred_at DESC, id DESC;";
                await using var reader = await command.ExecuteReaderAsync(token);
                while (await reader.ReadAsync(token))
                {
                    all.Add(new AuditEvent(
                        reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                        reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
                }
            }

            using var buffer = new MemoryStream();
            await using (var writer = new StreamWriter(buffer, new UTF8Encoding(false), leaveOpen: true))
            {
                await Csv.WriteRowAsync(writer, AuditCsv.Header);
                foreach (var e in all)
                {
                    await Csv.WriteRowAsync(writer, AuditCsv.Cells(e));
                }
            }

            buffer.Position = 0;
            await buffer.CopyToAsync(Stream.Null, token);
            return all.Count;
        }, ct);

    private static async Task<ExportResult> MeasureAsync(string name, Func<CancellationToken, Task<long>> export, CancellationToken ct)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapStart = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetStart = Environment.WorkingSet;
        long peakHeap = heapStart;
        long peakWorkingSet = workingSetStart;
        using var stop = new CancellationTokenSource();
        var sampler = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, Math.Max(GC.GetTotalMemory(false), GC.GetGCMemoryInfo().HeapSizeBytes));
                peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
                Thread.Sleep(2);
            }
        }) { IsBackground = true, Name = "memory sampler" };
        sampler.Start();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(Limit);
        var started = Stopwatch.StartNew();
        var rows = await export(limit.Token);
        var seconds = started.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        sampler.Join();
        var result = new ExportResult(name, rows, seconds, peakHeap - heapStart, peakWorkingSet - workingSetStart);
        Console.WriteLine($"  {name}: {rows:N0} rows in {seconds:F1} s, peak heap +{Machine.Mb(result.PeakHeapDelta)}, peak working set +{Machine.Mb(result.PeakWorkingSetDelta)}");
        return result;
    }

    /// <summary>Counts the rows the export has read, so a capped run still reports its rate.</summary>
    private sealed class CountingAuditStore(IAuditStore inner) : IAuditStore
    {
        private long rows;

        public long Rows => Interlocked.Read(ref rows);

        public Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken) => inner.AppendAsync(auditEvent, cancellationToken);

        public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
        {
            var page = await inner.QueryAsync(query, cancellationToken);
            Interlocked.Add(ref rows, page.Items.Count);
            return page;
        }
    }
}
