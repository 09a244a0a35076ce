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
    public async Task TamperedRecord_WithItsHashRecomputed_BreaksTheNextLink()
    {
        var engine = Engine();
        await MakeHistoryAsync(engine);
        var original = (await ((IApprovalStore)Store).ReadLogAsync(2, 1, Ct))[0];
        var forged = original with { ActorId = "xcn_u_9999" };
        forged = forged with { Hash = ApprovalChain.ComputeHash(forged) };

        await ExecuteAsync(
            $"DROP TRIGGER approval_log_no_update; UPDATE approval_log SET actor_id = 'xcn_u_9999', hash = '{forged.Hash}' WHERE seq = 3;");
        var result = await engine.VerifyChainAsync(Ct);

        Assert.False(result.Intact);
        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Equal("its previous hash does not match the record before it", result.Problem);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task StoreCheck_ReadingPageByPage_CarriesTheChainAcrossPages(int pageSize)
    {
        var engine = Engine();
        await MakeHistoryAsync(engine);
        var intact = await ApprovalChain.VerifyStoreAsync(Store, Ct, pageSize);

        // With pages of two, record 5 starts a page, so its link back to record 4 crosses pages; pages of three cut elsewhere.
        await ExecuteAsync("DROP TRIGGER approval_log_no_update; UPDATE approval_log SET reason = 'forged' WHERE seq = 5;");
        var broken = await ApprovalChain.VerifyStoreAsync(Store, Ct, pageSize);

        Assert.True(intact.Intact);
        Assert.Equal(6, intact.RecordsChecked);
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
    public void Hash_DependsOnEveryField()
    {
        var record = ApprovalChain.Seal(
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
        ];

        Assert.Equal(record.Hash, ApprovalChain.ComputeHash(record));
        Assert.All(variants, v => Assert.NotEqual(record.Hash, ApprovalChain.ComputeHash(v)));
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

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}
