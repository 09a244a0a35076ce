using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Audit;
using Rrr.Persistence.Sqlite;

namespace Rrr.Bench.AuditQueries;

/// <summary>A clock that stands still, so a seeded file cached between runs means the same thing every run.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>
/// Builds the bench database once: the production schema and indexes (SqliteDatabase.InitializeAsync), then
/// 1,000,000 audit events and the approval requests with their hash-chained log, inserted in large
/// transactions with the store's own column lists. Chain records are sealed by the real ApprovalChain, and
/// a few requests and events also go through the real store and engine calls, so the file is what the
/// portal would have written. The file is cached (keyed by <see cref="Version"/>); InitializeAsync runs on
/// every start, so an index added to the production schema is built on the cached file too.
/// </summary>
internal static class Seeder
{
    public const int Version = 2;

    /// <summary>
    /// The chain key the seeded log is sealed with: fixed (derived from a phrase), so a cached file still verifies on
    /// the next run. A bench key, never a deployment's.
    /// </summary>
    public static ApprovalChainKeys ChainKeys { get; } = new(Options.Create(new ApprovalChainOptions
    {
        ChainKey = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData("rrr audit bench approval chain key"u8)),
        ChainKeyId = "bench",
    }));

    public static readonly DateTimeOffset Now = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly string[] Actors = Enumerable.Range(0, 50)
        .Select(i => (i < 40 ? "xcn_u_" + (9000 + i) : "svc_" + (i - 40)).ToString(CultureInfo.InvariantCulture)).ToArray();

    // Skewed like a real trail: a few kinds make most of the events.
    public static readonly (string Kind, int Weight)[] Kinds =
    [
        ("earn.dispatched", 30), ("webhook.processed", 20), ("wallet.viewed", 12), ("redeem.completed", 8), ("topup.completed", 6),
        ("link.created", 5), ("link.removed", 2), ("award.sent", 4), ("adjustment.requested", 2), ("adjustment.approved", 2),
        ("adjustment.posted", 2), ("promotion.requested", 2), ("promotion.approved", 2), ("outbox.retried", 2), ("sso.ticket", 1),
    ];

    private static readonly string[] AuditParameters = ["@id", "@occurredAt", "@actorId", "@kind", "@subjectId", "@traceId", "@idempotencyKey", "@outcome"];

    public static int AuditEvents { get; private set; } = 1_000_000;
    public static int PendingRequests { get; private set; } = 10_000;
    public static int ExpiredPending { get; private set; } = 1_500;
    public static int DecidedRequests { get; private set; } = 2_500;

    /// <summary>Events and requests that <see cref="ThroughTheRealCallsAsync"/> adds after the bulk rows.</summary>
    public const int ThroughRealCalls = 20;

    public static bool Small { get; private set; }

    /// <summary>--smoke: the same seeding code with 1/50 of the audit rows and 1/40 of the requests (a separate file).</summary>
    public static void UseSmallSeed()
    {
        Small = true;
        AuditEvents = 20_000;
        PendingRequests = 250;
        ExpiredPending = 40;
        DecidedRequests = 60;
    }

    public static async Task<SqlitePorts> OpenAsync(string folder, bool reseed, TextWriter log, CancellationToken ct)
    {
        var file = Small ? $"audit-bench-v{Version}-small.db" : $"audit-bench-v{Version}.db";
        var path = Path.Combine(folder, file);
        if (reseed && File.Exists(path))
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in Directory.GetFiles(folder, file + "*"))
            {
                File.Delete(f);
            }
        }

        var fresh = !File.Exists(path) || !await IsCompleteAsync(path, ct);
        var store = SqlitePorts.Open(folder, file);
        var started = Stopwatch.StartNew();
        await store.InitializeAsync(ct);
        if (!fresh)
        {
            await log.WriteLineAsync($"Reusing seeded file {path} (schema refreshed in {started.ElapsedMilliseconds} ms).");
            return store;
        }

        await log.WriteLineAsync($"Seeding {path} ...");
        await SeedAuditAsync(path, ct);
        await log.WriteLineAsync($"  {AuditEvents:N0} audit events in {started.Elapsed.TotalSeconds:F0} s");
        await SeedApprovalsAsync(path, ct);
        await ThroughTheRealCallsAsync(store, ct);
        await ExecuteAsync(path, "CREATE TABLE bench_seed (version INTEGER NOT NULL); INSERT INTO bench_seed VALUES (" + Version.ToString(CultureInfo.InvariantCulture) + "); PRAGMA wal_checkpoint(TRUNCATE);", ct);
        await log.WriteLineAsync($"  seeded in {started.Elapsed.TotalSeconds:F0} s");
        return store;
    }

    private static async Task<bool> IsCompleteAsync(string path, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'bench_seed';";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 1;
    }

    private static async Task SeedAuditAsync(string path, CancellationToken ct)
    {
        var random = new Random(42);
        var totalWeight = Kinds.Sum(k => k.Weight);
        var start = Now.AddDays(-365).ToUnixTimeMilliseconds();
        var span = Now.ToUnixTimeMilliseconds() - start;

        // Appended in time order, as the portal appends them; ids are random like the portal's.
        var times = new long[AuditEvents];
        for (var i = 0; i < times.Length; i++)
        {
            times[i] = start + (long)(random.NextDouble() * span);
        }

        Array.Sort(times);
        await using var connection = await OpenBulkAsync(path, ct);
        const int batch = 50_000;
        for (var offset = 0; offset < AuditEvents; offset += batch)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;

            // The column list and ON CONFLICT of SqliteAuditStore.AppendAsync.
            insert.CommandText = """
                INSERT INTO audit_events (id, occurred_at, actor_id, kind, subject_id, trace_id, idempotency_key, outcome)
                VALUES (@id, @occurredAt, @actorId, @kind, @subjectId, @traceId, @idempotencyKey, @outcome)
                ON CONFLICT (id) DO NOTHING;
                """;
            var p = AuditParameters.Select(n => insert.Parameters.Add(new SqliteParameter(n, null))).ToArray();
            await insert.PrepareAsync(ct);
            for (var i = offset; i < Math.Min(offset + batch, AuditEvents); i++)
            {
                var kind = PickKind(random, totalWeight);
                p[0].Value = "aud_" + Guid.NewGuid().ToString("N");
                p[1].Value = times[i];
                p[2].Value = Actors[Math.Min(Actors.Length - 1, (int)(Math.Pow(random.NextDouble(), 1.3) * Actors.Length))];
                p[3].Value = kind;
                p[4].Value = "sub_" + random.Next(100_000).ToString(CultureInfo.InvariantCulture);
                p[5].Value = random.Next(3) == 0 ? DBNull.Value : Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
                p[6].Value = random.Next(2) == 0 ? DBNull.Value : kind + "_" + i.ToString(CultureInfo.InvariantCulture);
                p[7].Value = random.Next(20) == 0 ? "rejected" : "ok";
                await insert.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
        }
    }

    private static string PickKind(Random random, int totalWeight)
    {
        var pick = random.Next(totalWeight);
        foreach (var (kind, weight) in Kinds)
        {
            if ((pick -= weight) < 0)
            {
                return kind;
            }
        }

        return Kinds[^1].Kind;
    }

    private static async Task SeedApprovalsAsync(string path, CancellationToken ct)
    {
        var random = new Random(7);
        var requests = new List<(ApprovalRequest Request, List<ApprovalRecordDraft> Drafts)>();
        string[] admins = ["xcn_u_9001", "xcn_u_9002", "xcn_u_9003", "xcn_u_9004", "xcn_u_9005"];

        ApprovalRequest Make(int n, DateTimeOffset created, TimeSpan lifetime)
        {
            var promotion = n % 5 < 2;
            var kind = promotion ? "promotion" : "adjustment";
            var subject = promotion ? "prm_" + n.ToString("D6", CultureInfo.InvariantCulture) : "xcn_u_" + (1000 + n % 400).ToString(CultureInfo.InvariantCulture);
            var policy = new ApprovalPolicy(promotion ? 2 : 1 + n % 2, promotion);
            return new ApprovalRequest(
                "apr_" + Guid.NewGuid().ToString("N"), kind, subject, $$"""{"bench":{{n}},"points":{{100 + n % 900}}}""", 1, policy,
                admins[n % admins.Length], ApprovalStatus.Pending, created, created + lifetime, 1);
        }

        ApprovalRecordDraft Requested(ApprovalRequest r) =>
            new(r.Id, ApprovalAction.Requested, r.MakerId, ApprovalRoles.XcnAdmin, 1, null, r.CreatedAt,
                ApprovalChain.RequestDetail(r));

        ApprovalRecordDraft Approved(ApprovalRequest r, int k) =>
            new(r.Id, ApprovalAction.Approved, admins[(Array.IndexOf(admins, r.MakerId) + 1 + k) % admins.Length], ApprovalRoles.XcnAdmin, 1, null,
                r.CreatedAt.AddMinutes(10 + k), ApprovalChain.ApprovalDetail(r));

        var n = 0;
        for (var i = 0; i < DecidedRequests; i++, n++)
        {
            var r = Make(n, Now.AddDays(-300 + random.NextDouble() * 295), TimeSpan.FromDays(3));
            var drafts = new List<ApprovalRecordDraft> { Requested(r) };
            if (i % 4 == 0)
            {
                drafts.Add(new(r.Id, ApprovalAction.Rejected, Approved(r, 0).ActorId, ApprovalRoles.XcnAdmin, 1, "bench", r.CreatedAt.AddMinutes(5)));
                r = r with { Status = ApprovalStatus.Rejected, Revision = 2 };
            }
            else
            {
                for (var k = 0; k < r.Policy.RequiredXcnApprovers; k++)
                {
                    drafts.Add(Approved(r, k));
                }

                r = r with { Status = ApprovalStatus.Approved, Revision = 1 + r.Policy.RequiredXcnApprovers };
            }

            requests.Add((r, drafts));
        }

        // Never decided and long expired: still 'PENDING' in the table, and the oldest rows of the queue's index.
        for (var i = 0; i < ExpiredPending; i++, n++)
        {
            var r = Make(n, Now.AddDays(-200 + random.NextDouble() * 100), TimeSpan.FromDays(3));
            requests.Add((r, [Requested(r)]));
        }

        // The live queue: made over the last 30 days with a 45-day lifetime; a third already have one approval.
        for (var i = 0; i < PendingRequests; i++, n++)
        {
            var r = Make(n, Now.AddDays(-30 + random.NextDouble() * 29.9), TimeSpan.FromDays(45));
            var drafts = new List<ApprovalRecordDraft> { Requested(r) };
            if (i % 3 == 0 && r.Policy.RequiredXcnApprovers > 1)
            {
                drafts.Add(Approved(r, 0));
                r = r with { Revision = 2 };
            }

            requests.Add((r, drafts));
        }

        // The log is one chain in time order across all requests.
        var log = requests.SelectMany(x => x.Drafts).OrderBy(d => d.At).ToList();
        await using var connection = await OpenBulkAsync(path, ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = SqliteApprovalStore.InsertRequestSql;
            foreach (var (r, _) in requests)
            {
                insert.Parameters.Clear();
                SqliteApprovalStore.AddRequestParameters(insert.Parameters, r);
                await insert.ExecuteNonQueryAsync(ct);
            }
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO approval_log (seq, request_id, action, actor_id, actor_role, payload_version, reason, at, detail, previous_hash, hash, key_id)
                VALUES (@seq, @requestId, @action, @actorId, @actorRole, @payloadVersion, @reason, @at, @detail, @previousHash, @hash, @keyId);
                """;
            var previous = ApprovalChain.Genesis;
            long seq = 0;
            foreach (var draft in log)
            {
                var record = ChainKeys.Seal(draft, ++seq, previous);
                previous = record.Hash;
                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("@seq", record.Sequence);
                insert.Parameters.AddWithValue("@requestId", record.RequestId);
                insert.Parameters.AddWithValue("@action", ApprovalCodes.ActionText(record.Action));
                insert.Parameters.AddWithValue("@actorId", record.ActorId);
                insert.Parameters.AddWithValue("@actorRole", record.ActorRole);
                insert.Parameters.AddWithValue("@payloadVersion", record.PayloadVersion);
                insert.Parameters.AddWithValue("@reason", (object?)record.Reason ?? DBNull.Value);
                insert.Parameters.AddWithValue("@at", record.At.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("@detail", (object?)record.Detail ?? DBNull.Value);
                insert.Parameters.AddWithValue("@previousHash", record.PreviousHash);
                insert.Parameters.AddWithValue("@hash", record.Hash);
                insert.Parameters.AddWithValue("@keyId", record.KeyId);
                await insert.ExecuteNonQueryAsync(ct);
            }
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>The last few requests and events go through the real calls, appended after the bulk rows.</summary>
    private static async Task ThroughTheRealCallsAsync(SqlitePorts store, CancellationToken ct)
    {
        var engine = new ApprovalEngine(store.Approvals, new FixedClock(Now.AddHours(-1)), Options.Create(new ApprovalOptions()), NullLogger<ApprovalEngine>.Instance, ChainKeys, new global::Rrr.Core.Features.PortalEvents(NullLogger<global::Rrr.Core.Features.PortalEvents>.Instance));
        for (var i = 0; i < ThroughRealCalls; i++)
        {
            var view = await engine.CreateAsync("adjustment", "xcn_u_1001", """{"points":1}""", new ApprovalPolicy(1, false), "xcn_u_9001", ct);
            await engine.ApproveAsync(view.Request.Id, "xcn_u_9002", 1, ct);
            await store.Audit.AppendAsync(
                new AuditEvent("aud_" + Guid.NewGuid().ToString("N"), Now.AddMinutes(-30 + i), "xcn_u_9002", "adjustment.approved", view.Request.Id, null, null, "ok"),
                ct);
        }

        var chain = await engine.VerifyChainAsync(ct);
        if (!chain.Intact)
        {
            throw new InvalidOperationException("Seeded approval chain is broken: " + chain.Problem);
        }
    }

    private static async Task<SqliteConnection> OpenBulkAsync(string path, CancellationToken ct)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(ct);

        // Seeding only: one writer, nothing to protect from a crash (the file is rebuilt if incomplete).
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    private static async Task ExecuteAsync(string path, string sql, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
