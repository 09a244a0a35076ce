using Microsoft.Data.Sqlite;
using Rrr.Core.Features.Approvals;

namespace Rrr.Portal.Tests.Features.Approvals;

public sealed class ApprovalChainTests : ApprovalTestBase
{
    [Fact]
    public async Task Chain_OfSeveralRequestsAndDecisions_IsIntact_AndLinked()
    {
        var engine = Engine();
        await MakeHistoryAsync(engine);

        var log = await ((IApprovalStore)Store).ReadLogAsync(0, 100, Ct);
        var result = await engine.VerifyChainAsync(Ct);

        Assert.True(result.Intact, result.Problem);
        Assert.Equal(6, result.RecordsChecked);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), log.Select(r => r.Sequence));
        Assert.Equal(ApprovalChain.Genesis, log[0].PreviousHash);
        for (var i = 1; i < log.Count; i++)
        {
            Assert.Equal(log[i - 1].Hash, log[i].PreviousHash);
        }
    }

    [Fact]
    public async Task Log_RefusesUpdateAndDelete()
    {
        await MakeHistoryAsync(Engine());

        var update = await Assert.ThrowsAsync<SqliteException>(() => ExecuteAsync("UPDATE approval_log SET actor_id = 'mallory' WHERE seq = 2;"));
        var delete = await Assert.ThrowsAsync<SqliteException>(() => ExecuteAsync("DELETE FROM approval_log WHERE seq = 2;"));

        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TamperedRecord_InTheDatabaseFile_IsDetectedAtThatRecord()
    {
        var engine = Engine();
        await MakeHistoryAsync(engine);

        // Someone with access to the file removes the guard and swaps the approver of record 3.
        await ExecuteAsync("""
            DROP TRIGGER approval_log_no_update;
            UPDATE approval_log SET actor_id = 'xcn_u_9999' WHERE seq = 3;
            """);
        var result = await engine.VerifyChainAsync(Ct);

        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Equal(2, result.RecordsChecked);
        Assert.Equal("its content does not match its hash", result.Problem);
    }

    [Fact]
    public async Task TamperedRecord_WithItsHashRecomputedAsPlainSha256_IsDetectedAtThatRecord()
    {
        var engine = Engine();
        await MakeHistoryAsync(engine);
        var original = (await ((IApprovalStore)Store).ReadLogAsync(2, 1, Ct))[0];
        var forged = original with { ActorId = "xcn_u_9999" };
        forged = forged with { Hash = ApprovalChain.ComputeLegacyHash(forged) };

        await ExecuteAsync(
            $"DROP TRIGGER approval_log_no_update; UPDATE approval_log SET actor_id = 'xcn_u_9999', hash = '{forged.Hash}' WHERE seq = 3;");
        var result = await engine.VerifyChainAsync(Ct);

        // Without the key the forger cannot reseal record 3, whatever hash they compute.
        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Equal("its content does not match its hash", result.Problem);
    }

    [Fact]
    public async Task ApprovedRequest_ChangedInTheStore_IsRefusedForPosting_AndTheChainCheckReportsIt()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);
        await engine.ApproveAsync(view.Request.Id, "grace", 1, Ct);
        var approved = await engine.ApproveAsync(view.Request.Id, "hugo", 1, Ct);
        Assert.Equal(ApprovalStatus.Approved, approved.Request.Status);
        Assert.Null(engine.ProblemForPosting(approved));

        // Someone with write access raises the points of the approved request.
        await ExecuteAsync($"UPDATE approval_requests SET payload_json = '{{\"points\":30000}}' WHERE id = '{view.Request.Id}';");
        var tampered = await engine.GetAsync(view.Request.Id, Ct);
        var result = await engine.VerifyChainAsync(Ct);

        Assert.Contains("does not match the approval chain", engine.ProblemForPosting(tampered), StringComparison.Ordinal);
        Assert.False(result.Intact);
        Assert.Equal(view.Request.Id, result.BrokenRequestId);
        Assert.Equal(1, result.FirstBrokenSequence);
        Assert.Contains("payload, policy, subject or expiry", result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("points")]
    [InlineData("status")]
    [InlineData("maker")]
    [InlineData("policy")]
    public async Task RequestRow_ChangedInAnyFieldPostingTrusts_IsRefusedForPosting(string field)
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine, policy: new ApprovalPolicy(2, false));
        await engine.ApproveAsync(view.Request.Id, "grace", 1, Ct);
        var update = field switch
        {
            "points" => "payload_json = '{\"points\":9}', status = 'APPROVED'",
            "status" => "status = 'APPROVED'",
            "maker" => "maker_id = 'mallory', status = 'APPROVED'",
            _ => "required_xcn = 1, status = 'APPROVED'",
        };

        await ExecuteAsync($"UPDATE approval_requests SET {update} WHERE id = '{view.Request.Id}';");
        var tampered = await engine.GetAsync(view.Request.Id, Ct);

        Assert.Equal(ApprovalStatus.Approved, tampered.Request.Status);
        Assert.NotNull(engine.ProblemForPosting(tampered));
        Assert.False((await engine.VerifyChainAsync(Ct)).Intact);
    }

    [Fact]
    public async Task ChangedRequest_WithItsRecordsResealedAsPlainSha256_DoesNotPassWithoutTheKey()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);
        await engine.ApproveAsync(view.Request.Id, "grace", 1, Ct);
        await engine.ApproveAsync(view.Request.Id, "hugo", 1, Ct);
        var forgedPayload = """{"points":30000}""";

        // The forger rewrites the payload, the request record's detail to match it, and every hash after it, with
        // SHA-256 as the chain used to be: once keeping the key ids, once posing as legacy records (no key id).
        foreach (var keepKeyIds in new[] { true, false })
        {
            var records = await ((IApprovalStore)Store).ReadLogAsync(0, 100, Ct);
            var request = (await engine.GetAsync(view.Request.Id, Ct)).Request with { PayloadJson = forgedPayload };
            var previous = ApprovalChain.Genesis;
            var sql = new System.Text.StringBuilder("DROP TRIGGER IF EXISTS approval_log_no_update;");
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"UPDATE approval_requests SET payload_json = '{forgedPayload}' WHERE id = '{view.Request.Id}';");
            foreach (var record in records)
            {
                var forged = record with
                {
                    PreviousHash = previous,
                    KeyId = keepKeyIds ? record.KeyId : null,
                    Detail = record.Action == ApprovalAction.Requested ? ApprovalChain.RequestDetail(request)
                        : record.Action == ApprovalAction.Approved ? ApprovalChain.ApprovalDetail(request) : record.Detail,
                };
                forged = forged with { Hash = ApprovalChain.ComputeLegacyHash(forged) };
                previous = forged.Hash;
                var keyId = forged.KeyId is null ? "NULL" : $"'{forged.KeyId}'";
                sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"UPDATE approval_log SET previous_hash = '{forged.PreviousHash}', hash = '{forged.Hash}', key_id = {keyId}, detail = '{forged.Detail}' WHERE seq = {forged.Sequence};");
            }

            await ExecuteAsync(sql.ToString());
            var tampered = await engine.GetAsync(view.Request.Id, Ct);
            var result = await engine.VerifyChainAsync(Ct);

            Assert.NotNull(engine.ProblemForPosting(tampered));
            if (keepKeyIds)
            {
                Assert.False(result.Intact);
                Assert.Equal(1, result.FirstBrokenSequence);
            }
            else
            {
                // Posing as pre-key records: their plain hashes match, but they are reported, and nothing resting on them is posted.
                Assert.Equal(3, result.LegacyRecords);
                Assert.Contains("before the approval chain was keyed", engine.ProblemForPosting(tampered), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task ARecordOfAnotherKey_Verifies_WhileThatKeyIsAPreviousKey_AndBreaksOnceItIsDropped()
    {
        var oldKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var before = Support.TestChainKeys.Create(Support.TestChainKeys.Options("k1", oldKey));
        var view = await NewRequestAsync(EngineWith(before));

        var rotated = Support.TestChainKeys.Options("k2");
        rotated.PreviousChainKeys["k1"] = Convert.ToBase64String(oldKey);
        var after = EngineWith(Support.TestChainKeys.Create(rotated));
        await after.ApproveAsync(view.Request.Id, "grace", 1, Ct);
        var log = await ((IApprovalStore)Store).ReadLogAsync(0, 10, Ct);
        var intact = await after.VerifyChainAsync(Ct);
        var withoutOldKey = await EngineWith(Support.TestChainKeys.Create(Support.TestChainKeys.Options("k2", Convert.FromBase64String(rotated.ChainKey!))))
            .VerifyChainAsync(Ct);

        Assert.Equal(["k1", "k2"], log.Select(r => r.KeyId));
        Assert.True(intact.Intact, intact.Problem);
        Assert.False(withoutOldKey.Intact);
        Assert.Equal(1, withoutOldKey.FirstBrokenSequence);
        Assert.Contains("'k1'", withoutOldKey.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LegacyRecords_FromAFileOfAnEarlierVersion_VerifyAsLegacy_AreReported_AndALegacyRecordAfterKeyedOnesBreaksTheChain()
    {
        var engine = Engine();
        var view = await NewRequestAsync(engine);
        await engine.ApproveAsync(view.Request.Id, "grace", 1, Ct);

        // Make record 1 what an earlier version wrote: no key id, plain SHA-256 hash (and re-link record 2 to it).
        var log = await ((IApprovalStore)Store).ReadLogAsync(0, 10, Ct);
        var legacy = log[0] with { KeyId = null };
        legacy = legacy with { Hash = ApprovalChain.ComputeLegacyHash(legacy) };
        await ExecuteAsync($"DROP TRIGGER approval_log_no_update; UPDATE approval_log SET key_id = NULL, hash = '{legacy.Hash}' WHERE seq = 1;");
        var relinked = log[1] with { PreviousHash = legacy.Hash };
        var stillBroken = await engine.VerifyChainAsync(Ct);
        await ExecuteAsync($"UPDATE approval_log SET previous_hash = '{legacy.Hash}', hash = '{ResealForTest(relinked)}' WHERE seq = 2;");
        var mixed = await engine.VerifyChainAsync(Ct);

        // Legacy then keyed is how an upgraded file looks: intact, with the legacy record counted.
        Assert.False(stillBroken.Intact);
        Assert.True(mixed.Intact, mixed.Problem);
        Assert.Equal(1, mixed.LegacyRecords);
        Assert.Contains("before the approval chain was keyed", engine.ProblemForPosting(await engine.GetAsync(view.Request.Id, Ct)), StringComparison.Ordinal);

        // Keyed then legacy is a forgery: a legacy record after keyed ones.
        var third = await NewRequestAsync(engine, maker: "grace");
        var last = (await ((IApprovalStore)Store).ReadLogAsync(2, 10, Ct))[0] with { KeyId = null };
        await ExecuteAsync($"UPDATE approval_log SET key_id = NULL, hash = '{ApprovalChain.ComputeLegacyHash(last)}' WHERE seq = 3;");
        var downgraded = await engine.VerifyChainAsync(Ct);

        Assert.NotNull(third);
        Assert.False(downgraded.Intact);
        Assert.Equal(3, downgraded.FirstBrokenSequence);
        Assert.Contains("plain hash after keyed records", downgraded.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task StoreCheck_ReadingPageByPage_CarriesTheChainAcrossPages(int pageSize)
    {
        var engine = Engine();
        await MakeHistoryAsync(engine);
        var intact = await ApprovalChain.VerifyStoreAsync(Store, Keys, Ct, pageSize);

        // With pages of two, record 5 starts a page, so its link back to record 4 crosses pages; pages of three cut elsewhere.
        await ExecuteAsync("DROP TRIGGER approval_log_no_update; UPDATE approval_log SET reason = 'forged' WHERE seq = 5;");
        var broken = await ApprovalChain.VerifyStoreAsync(Store, Keys, Ct, pageSize);

        Assert.True(intact.Intact, intact.Problem);
        Assert.Equal(6, intact.RecordsChecked);
        Assert.Equal(2, intact.RequestsChecked);
        Assert.False(broken.Intact);
        Assert.Equal(5, broken.FirstBrokenSequence);
        Assert.Equal(4, broken.RecordsChecked);
    }

    [Fact]
    public async Task DeletedRecord_IsDetectedAsAGap()
    {
        var engine = Engine();
        await MakeHistoryAsync(engine);

        await ExecuteAsync("DROP TRIGGER approval_log_no_delete; DELETE FROM approval_log WHERE seq = 4;");
        var result = await engine.VerifyChainAsync(Ct);

        Assert.False(result.Intact);
        Assert.Equal(5, result.FirstBrokenSequence);
        Assert.Equal("record 4 is missing", result.Problem);
    }

    [Fact]
    public void Seal_DependsOnEveryField_AndOnTheKey()
    {
        var record = Keys.Seal(
            new ApprovalRecordDraft("apr_1", ApprovalAction.Approved, "grace", ApprovalRoles.XcnAdmin, 1, null, T0), 1, ApprovalChain.Genesis);
        ApprovalRecord[] variants =
        [
            record with { RequestId = "apr_2" },
            record with { Action = ApprovalAction.Rejected },
            record with { ActorId = "hugo" },
            record with { ActorRole = "RRR_ADMIN" },
            record with { PayloadVersion = 2 },
            record with { Reason = "x" },
            record with { At = T0.AddMilliseconds(1) },
            record with { Detail = "d" },
            record with { PreviousHash = new string('1', 64) },
            record with { Sequence = 2 },
            record with { KeyId = "k2" },
        ];

        Assert.Equal(RecordSeal.Valid, Keys.Check(record));
        Assert.All(variants, v => Assert.NotEqual(RecordSeal.Valid, Keys.Check(v)));
        Assert.Equal(RecordSeal.Invalid, Support.TestChainKeys.Create().Check(record));
        Assert.NotEqual(ApprovalChain.ComputeLegacyHash(record), record.Hash);
    }

    private static async Task MakeHistoryAsync(ApprovalEngine engine)
    {
        var first = await NewRequestAsync(engine);                        // 1 requested
        await engine.ApproveAsync(first.Request.Id, "grace", 1, Ct);       // 2 approved
        await engine.ApproveAsync(first.Request.Id, "hugo", 1, Ct);        // 3 approved
        var second = await NewRequestAsync(engine, maker: "grace");       // 4 requested
        await engine.EditAsync(second.Request.Id, "grace", 1, "{}", Two, Ct); // 5 edited
        await engine.RejectAsync(second.Request.Id, "ada", "no ticket", Ct); // 6 rejected
    }

    private ApprovalEngine EngineWith(ApprovalChainKeys keys) => new(
        Store, Time, Microsoft.Extensions.Options.Options.Create(new ApprovalOptions()),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<ApprovalEngine>.Instance, keys, Bus);

    /// <summary>Reseals a record under this test's key (what the portal itself would write), for building a mixed legacy/keyed file.</summary>
    private string ResealForTest(ApprovalRecord record) =>
        Keys.Seal(record, record.Sequence, record.PreviousHash).Hash;

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}
