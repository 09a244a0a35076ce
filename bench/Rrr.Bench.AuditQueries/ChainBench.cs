using System.Diagnostics;
using Rrr.Core.Features.Approvals;

namespace Rrr.Bench.AuditQueries;

/// <summary>The admin's "Check approval chain" over the seeded log (not a target, reported for scale).</summary>
internal static class ChainBench
{
    public static async Task<string> RunAsync(ApprovalEngine engine, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var result = await engine.VerifyChainAsync(ct);
        return $"chain check: {(result.Intact ? "intact" : "BROKEN at " + result.FirstBrokenSequence)}, {result.RecordsChecked:N0} records in {started.ElapsedMilliseconds:N0} ms";
    }
}
